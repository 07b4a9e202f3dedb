/// Content-Transfer-Encoding decoders, tolerant of what real mail contains.
public enum TransferEncoding {
    /// Base64, skipping anything that is not in the alphabet (line breaks, spaces, garbage),
    /// stopping at the first `=`, and keeping whole bytes from a final group with missing padding.
    public static func base64(_ input: ArraySlice<UInt8>) -> [UInt8] {
        var canonical = false
        return base64(input, canonical: &canonical)
    }

    /// Base64 as ``base64(_:)`` reads it; `canonical` tells whether the input was written as
    /// RFC 2045 says (the standard alphabet in groups of four, line breaks and spaces between
    /// them, `=` padding only at the end and only as much as the last group needs). Every
    /// correct decoder reads such input the same way, so the store may keep it encoded and
    /// decode it again when asked (``RawRange``) without depending on this decoder's leniency.
    public static func base64(_ input: ArraySlice<UInt8>, canonical: inout Bool) -> [UInt8] {
        let capacity = input.count / 4 * 3 + 3
        var irregular = false
        let decoded = input.withUnsafeBufferPointer { source -> [UInt8] in
            decodeTable.withUnsafeBufferPointer { table -> [UInt8] in
                [UInt8](unsafeUninitializedCapacity: capacity) { out, written in
                    var o = 0
                    var i = 0
                    let count = source.count
                    var accumulator: UInt32 = 0
                    var bits = 0
                    var stoppedAtPad = false
                    while i < count {
                        // Fast path: whole groups of four clean characters (a 76-column line has 19).
                        if bits == 0 {
                            while i + 4 <= count {
                                let a = table[Int(source[i])], b = table[Int(source[i + 1])]
                                let c = table[Int(source[i + 2])], d = table[Int(source[i + 3])]
                                if (a | b | c | d) & 0xC0 != 0 { break }
                                let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                                out[o] = UInt8(truncatingIfNeeded: value >> 16)
                                out[o + 1] = UInt8(truncatingIfNeeded: value >> 8)
                                out[o + 2] = UInt8(truncatingIfNeeded: value)
                                o += 3
                                i += 4
                            }
                            if i >= count { break }
                        }
                        let byte = source[i]
                        i += 1
                        if byte == 0x3D {
                            stoppedAtPad = true
                            break
                        }
                        let value = table[Int(byte)]
                        if value == 0xFF {
                            // Skipped. Line breaks, spaces and tabs are allowed between groups.
                            if byte != 0x0A && byte != 0x0D && byte != 0x20 && byte != 0x09 { irregular = true }
                            continue
                        }
                        // The URL-safe alphabet's two characters (flagged 0x40 in the table).
                        if value & 0x40 != 0 { irregular = true }
                        accumulator = accumulator << 6 | UInt32(value & 0x3F)
                        bits += 6
                        if bits >= 8 {
                            bits -= 8
                            out[o] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                            o += 1
                            accumulator &= (1 << UInt32(bits)) - 1
                        }
                    }
                    written = o
                    guard !irregular else { return }
                    if stoppedAtPad {
                        // "xx==" leaves 4 bits over and needs two "="; "xxx=" leaves 2 and needs
                        // one; the bits over are zero, and nothing but padding and line breaks follows.
                        let wanted = bits == 4 ? 2 : bits == 2 ? 1 : 0
                        var pads = 1
                        while i < count {
                            let byte = source[i]
                            i += 1
                            if byte == 0x3D {
                                pads += 1
                            } else if byte != 0x0A && byte != 0x0D && byte != 0x20 && byte != 0x09 {
                                irregular = true
                                break
                            }
                        }
                        if wanted == 0 || pads != wanted || accumulator != 0 { irregular = true }
                    } else if bits != 0 {
                        // A final group cut short without its padding.
                        irregular = true
                    }
                }
            }
        }
        canonical = !irregular
        return decoded
    }

    /// 0...63 for alphabet characters, 0xFF otherwise; the URL-safe alphabet's `-` and `_`
    /// (which some broken senders use) read as 62 and 63 with 0x40 set, so that they leave the
    /// fast path and mark the input as not canonical.
    static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        // The URL-safe alphabet, which some broken senders use.
        table[Int(UInt8(ascii: "-"))] = 0x40 | 62
        table[Int(UInt8(ascii: "_"))] = 0x40 | 63
        return table
    }()

    /// Quoted-printable: `=XX` escapes, soft line breaks (`=` at the end of a line, with or
    /// without trailing whitespace), and a malformed `=` kept as it is. In encoded words
    /// (`underscoreIsSpace`) `_` is a space.
    public static func quotedPrintable(_ input: ArraySlice<UInt8>, underscoreIsSpace: Bool = false) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(input.count)
        var index = input.startIndex
        let end = input.endIndex
        while index < end {
            let byte = input[index]
            if byte == 0x3D {
                if index + 2 < end, let high = hex(input[index + 1]), let low = hex(input[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                // A soft line break: "=" then optional whitespace then CRLF or LF (or the end).
                var look = index + 1
                while look < end && (input[look] == 0x20 || input[look] == 0x09) { look += 1 }
                if look == end {
                    index = end
                    continue
                }
                if input[look] == 0x0A {
                    index = look + 1
                    continue
                }
                if input[look] == 0x0D {
                    index = look + 1
                    if index < end && input[index] == 0x0A { index += 1 }
                    continue
                }
                output.append(byte)
                index += 1
                continue
            }
            if underscoreIsSpace && byte == 0x5F {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    /// A hexadecimal digit's value (either case), or nil.
    @inline(__always)
    public static func hex(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }
}
