#!/usr/bin/env python3
"""Drives headless Chromium through the DevTools protocol over a pipe (--remote-debugging-pipe:
JSON messages separated by NUL on fds 3 and 4), using only Python's standard library.

    fill_form.py BASE_URL ATTACHMENT_PATH  ->  JSON on stdout: the pages the browser ended on.

1. Loads /feedback, submits it empty, and returns the error page (and which element has focus
   after following the summary's first link).
2. Loads /feedback, fills it in, attaches the file, clicks Send, and returns the confirmation.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

base, attachment = sys.argv[1], sys.argv[2]
browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
if not browser:
    sys.exit("chromium is not installed")

to_browser_r, to_browser_w = os.pipe()
from_browser_r, from_browser_w = os.pipe()
profile = tempfile.mkdtemp(prefix="letterbox-chromium-")


def child_fds():
    # Move both ends out of the way first: a pipe may already sit on fd 3 or 4, and dup2 onto
    # the same number would keep its close-on-exec flag.
    read_end = os.dup(to_browser_r) + 100
    os.dup2(to_browser_r, read_end)
    write_end = read_end + 1
    os.dup2(from_browser_w, write_end)
    os.dup2(read_end, 3)
    os.dup2(write_end, 4)
    os.set_inheritable(3, True)
    os.set_inheritable(4, True)


proc = subprocess.Popen(
    [browser, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
     "--no-first-run", "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=child_fds)
os.close(to_browser_r)
os.close(from_browser_w)
buffer = b""
next_id = 0
events = []


def read_message(deadline):
    global buffer
    while b"\0" not in buffer:
        if time.time() > deadline:
            raise TimeoutError("no answer from chromium")
        chunk = os.read(from_browser_r, 65536)
        if not chunk:
            raise EOFError("chromium closed the pipe")
        buffer += chunk
    message, buffer = buffer.split(b"\0", 1)
    return json.loads(message)


def call(method, params=None, session=None, timeout=30):
    global next_id
    next_id += 1
    message = {"id": next_id, "method": method, "params": params or {}}
    if session:
        message["sessionId"] = session
    os.write(to_browser_w, json.dumps(message).encode() + b"\0")
    deadline = time.time() + timeout
    while True:
        reply = read_message(deadline)
        if reply.get("id") == next_id:
            if "error" in reply:
                raise RuntimeError(f"{method}: {reply['error']}")
            return reply.get("result", {})
        events.append(reply)


def wait_event(name, session, timeout=30):
    deadline = time.time() + timeout
    while True:
        for index, event in enumerate(events):
            if event.get("method") == name and event.get("sessionId") == session:
                del events[: index + 1]
                return event
        events.append(read_message(deadline))


def evaluate(session, expression):
    result = call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
    return result.get("result", {}).get("value")


def load(session, url):
    events.clear()
    call("Page.navigate", {"url": url}, session)
    wait_event("Page.loadEventFired", session)


def submit(session):
    events.clear()
    evaluate(session, "document.querySelector('button[type=submit]').click()")
    wait_event("Page.loadEventFired", session)


try:
    target = call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    call("Page.enable", session=session)
    call("Runtime.enable", session=session)

    load(session, base + "/feedback")
    submit(session)
    errors_html = evaluate(session, "document.documentElement.outerHTML")
    evaluate(session, "document.querySelector('.error-summary a').click()")
    focused = evaluate(session, "document.activeElement && document.activeElement.id")

    load(session, base + "/feedback")
    fields = {
        "name": "Grace Obi", "email": "grace@example.com", "phone": "07700 900777",
        "address": "Flat 4, 12 Elm Court", "postcode": "b1 1aa", "subject": "Broken window",
        "message": "The bedroom window will not close and it is very cold at night.",
    }
    for field, value in fields.items():
        evaluate(session, f"document.getElementById({json.dumps(field)}).value = {json.dumps(value)}")
    evaluate(session, "document.getElementById('kind-complaint').click(); document.getElementById('contact_by-email').click(); document.getElementById('access_large_print').click()")
    document = call("DOM.getDocument", session=session)
    node = call("DOM.querySelector", {"nodeId": document["root"]["nodeId"], "selector": "#attachments"}, session)
    call("DOM.setFileInputFiles", {"files": [attachment], "nodeId": node["nodeId"]}, session)
    submit(session)
    confirmation_html = evaluate(session, "document.documentElement.outerHTML")
    print(json.dumps({"errors": errors_html, "focusedAfterSummaryLink": focused, "confirmation": confirmation_html}))
finally:
    try:
        call("Browser.close", timeout=5)
    except Exception:
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    shutil.rmtree(profile, ignore_errors=True)
