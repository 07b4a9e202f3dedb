import Foundation

/// Safe file names for attachments.
public enum FileNames {
    /// No folders, no control or reserved characters, no leading dots, at most 200 bytes (the
    /// extension kept); a name is made up from the media type when there is none.
    public static func sanitised(_ name: String?, mediaType: String, contentID: String? = nil, index: Int) -> String {
        var base = (name ?? "").normalisedForRecord
        if let slash = base.lastIndex(where: { $0 == "/" || $0 == "\\" }) { base = String(base[base.index(after: slash)...]) }
        base = String(base.unicodeScalars.filter { scalar in
            !(scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)) && !"<>:\"|?*".unicodeScalars.contains(scalar)
                && scalar.properties.generalCategory != .format
        }.map(Character.init))
        // Foundation's `.whitespaces` (tab and the space separators), trimmed without its NSString round
        // trip: the first trim of a process cost a mail pipe 1.5M of its 36M instructions.
        base = base.trimming { $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }
        while base.hasPrefix(".") { base.removeFirst() }
        base = base.trimming { $0 == " " || $0 == "." }
        if base.isEmpty {
            let stem: String
            if let id = contentID.map({ $0.trimming { $0 == "<" || $0 == ">" || $0 == " " } }), !id.isEmpty {
                stem = "inline-" + String(id.prefix(40).map { $0.isLetter || $0.isNumber ? $0 : "-" })
            } else {
                stem = "attachment-\(index)"
            }
            base = stem + "." + fileExtension(for: mediaType)
        }
        if base.utf8.count > 200 {
            let ext = (base as NSString).pathExtension
            var stem = (base as NSString).deletingPathExtension
            while stem.utf8.count + ext.utf8.count > 199 && !stem.isEmpty { stem.removeLast() }
            base = ext.isEmpty || ext.utf8.count > 20 ? String(base.prefix(100)) : stem + "." + ext
        }
        return base
    }

    /// The usual extension for a media type, without the dot; `bin` when there is none.
    public static func fileExtension(for mediaType: String) -> String {
        switch mediaType.lowercased() {
        case "image/jpeg", "image/jpg", "image/pjpeg": return "jpg"
        case "image/png": return "png"
        case "image/gif": return "gif"
        case "image/heic": return "heic"
        case "video/mp4": return "mp4"
        case "audio/amr": return "amr"
        case "text/vcard", "text/x-vcard": return "vcf"
        case "application/pdf": return "pdf"
        case "text/plain": return "txt"
        case "text/html": return "html"
        case "message/rfc822": return "eml"
        case "text/calendar": return "ics"
        case "application/msword": return "doc"
        case "application/vnd.openxmlformats-officedocument.wordprocessingml.document": return "docx"
        default: return "bin"
        }
    }
}
