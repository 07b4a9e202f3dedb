#!/usr/bin/env python3
"""Register variants of the hand-labelled triage items (Samples/triage/labelled.jsonl).

Each hand-written item gets two variants in other registers, chosen by a fixed hash of its
id: the same text as a text message (shorthand, no subject), as a phone note taken by staff
("Caller said ..."), forwarded by a councillor or MP (flag `representative` added), with
quoted earlier correspondence below it, or in a more formal or a more curt register. The
label does not change: a register is not evidence of a kind. Every variant keeps its
item's id in `base`, and the split (train / dev / test) is computed from `base`, so a
variant never crosses from test into training. An item marked `unsure` (which the split keeps
out of test) passes the mark to its variants, so they follow it into development.

    python3 scripts/triage-variants.py > Samples/triage/variants.jsonl

Deterministic: the same input gives the same output, byte for byte.
"""
import hashlib
import json
import re
import sys

SMS_WORDS = [
    (r"\byou\b", "u"), (r"\byour\b", "ur"), (r"\bplease\b", "pls"), (r"\bthanks\b", "thx"),
    (r"\bare\b", "r"), (r"\btomorrow\b", "tmrw"), (r"\bbecause\b", "cos"), (r"\bthank you\b", "ty"),
    (r"\bweeks\b", "wks"), (r"\bsomeone\b", "some1"), (r"\bno one\b", "no1"), (r"\bI am\b", "im"),
    (r"\bI'm\b", "im"), (r"\bdon't\b", "dont"), (r"\bcan't\b", "cant"), (r"\bwon't\b", "wont"),
    (r"\btoday\b", "2day"), (r"\band\b", "&"),
]
REPRESENTATIVES = [
    ("Councillor", "Dear Housing Services,\nI am writing on behalf of my constituent, who has asked me to pass on the following in their own words:\n\n\"{text}\"\n\nI would be grateful for your response.\nYours sincerely,\nCllr {name}"),
    ("MP", "Dear Sir or Madam,\nMy constituent has contacted my office and given consent for me to raise this with you. They write:\n\n{text}\n\nPlease reply to my office.\nKind regards,\n{name} MP"),
    ("relative", "Hi, I'm emailing for my {relation}, who isn't online. {pronoun} asked me to send you this:\n\n{text}\n\nThanks"),
    ("advocate", "I am an independent advocate supporting a tenant, who has asked me to raise this on their behalf:\n\n{text}\n\nPlease copy me into any reply."),
]
NAMES = ["R. Patel", "J. Morgan", "A. Nwosu", "S. Brown", "P. Evans", "T. Okafor", "M. Walsh", "H. Begum"]
RELATIONS = [("mum", "She"), ("dad", "He"), ("nan", "She"), ("uncle", "He"), ("sister", "She")]
QUOTES = [
    "> On 3 March, Housing Services wrote:\n> Thank you for contacting us. We have logged your enquiry and a member of the team will be in touch.",
    "-----Original Message-----\nFrom: Customer Services\nSent: 14 January\nSubject: Your enquiry\n\nThank you for your email. Your reference is shown above.",
    "> On Tue, 9 Sep, repairs@example.org wrote:\n> Dear resident, this is an automatic acknowledgement. Please do not reply to this address.",
]
FORMAL_OPEN = ["Dear Sir or Madam,\n", "To whom it may concern,\n", "Good afternoon,\n", "Hello,\n"]
FORMAL_CLOSE = ["\nYours faithfully", "\nKind regards", "\nMany thanks for your help.", "\nBest wishes"]


def pick(seed, options):
    return options[seed % len(options)]


def seed_of(text):
    return int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big")


def full_text(item):
    return (item["subject"] + ". " if item.get("subject") else "") + item["text"]


def as_sms(item, seed):
    text = full_text(item).replace("\n", " ")
    text = re.sub(r"\s*>.*$", "", text)
    for pattern, replacement in SMS_WORDS:
        if seed_of(pattern + item["id"]) % 3:
            text = re.sub(pattern, replacement, text, flags=re.IGNORECASE)
    text = text.replace(".", "") if seed % 2 else text
    return {"channel": "sms", "text": text.lower() if seed % 3 else text}


def as_note(item, seed):
    text = full_text(item)
    opener = pick(seed, ["Caller said: \"{t}\"", "Tenant phoned. In her words: {t}", "Call from resident, said {t}",
                         "Resident rang the contact centre. Notes: {t}", "Caller stated: {t}"])
    return {"channel": "phone", "text": opener.format(t=text)}


def as_representative(item, seed):
    role, template = pick(seed, REPRESENTATIVES)
    relation, pronoun = pick(seed >> 8, RELATIONS)
    text = template.format(text=full_text(item), name=pick(seed >> 16, NAMES), relation=relation, pronoun=pronoun)
    flags = list(item["flags"])
    if "representative" not in flags:
        flags.append("representative")
    return {"channel": "email", "subject": "On behalf of a resident", "text": text, "flags": flags}


def with_quote(item, seed):
    out = {"channel": "email", "text": item["text"] + "\n\n" + pick(seed, QUOTES)}
    out["subject"] = "Re: " + (item.get("subject") or "Your enquiry")
    return out


def reregister(item, seed):
    text = item["text"]
    short = re.sub(r"^(hi|hello|dear [^,]*|good morning|hiya)[,!]?\s*", "", text, flags=re.IGNORECASE)
    short = re.sub(r"\s*(thanks|thank you|many thanks|kind regards|regards)[.!]?\s*$", "", short, flags=re.IGNORECASE)
    if seed % 2 or short == text:
        return {"text": pick(seed >> 4, FORMAL_OPEN) + text + pick(seed >> 12, FORMAL_CLOSE)}
    return {"text": short}


def variants(item):
    seed = seed_of(item["id"])
    makers = []
    if item["channel"] != "sms":
        makers.append(("sms", as_sms))
    if item["channel"] != "phone":
        makers.append(("note", as_note))
    if "representative" not in item["flags"] and item["channel"] != "phone":
        makers.append(("rep", as_representative))
    if item["channel"] in ("email", "web_form"):
        makers.append(("quote", with_quote))
    makers.append(("register", reregister))
    first = seed % len(makers)
    second = (first + 1 + (seed >> 20) % (len(makers) - 1)) % len(makers)
    for index in (first, second):
        name, make = makers[index]
        variant = {key: value for key, value in item.items() if key not in ("subject",)}
        variant.update(make(item, seed >> (8 * index % 48)))
        variant["id"] = item["id"] + "-" + name
        variant["base"] = item["id"]
        variant["source"] = "variant:" + name
        yield {key: variant[key] for key in ["id", "base", "source", "channel", "subject", "text", "kind", "serviceArea", "flags", "unsure"] if key in variant}


def main():
    path = sys.argv[1] if len(sys.argv) > 1 else "Samples/triage/labelled.jsonl"
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                for variant in variants(json.loads(line)):
                    sys.stdout.write(json.dumps(variant, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
