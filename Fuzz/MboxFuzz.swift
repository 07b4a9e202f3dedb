import Foundation

// libFuzzer target: the mbox splitter (plain and gzip) on arbitrary file contents. Every
// message it returns must be within the input's size, and it must terminate.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMbox(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    // /dev/shm: a file in memory, so the fuzzer is not bound by the disk.
    let path = "/dev/shm/letterbox-fuzz-mbox-\(getpid())"
    let bytes = Data(bytes: data, count: size)
    guard FileManager.default.createFile(atPath: path, contents: bytes) else { return 0 }
    defer { unlink(path) }
    guard let reader = try? MboxReader(path: path) else { return 0 }
    var total = 0
    var count = 0
    while let message = try? reader.next() {
        total += message.bytes.count
        count += 1
        if count > size + 1 { fatalError("the splitter returned more messages than there are bytes") }
    }
    if !reader.isCompressed && total > size + count { fatalError("the splitter returned more bytes than it read") }
    return 0
}
