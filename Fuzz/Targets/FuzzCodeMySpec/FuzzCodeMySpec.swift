import FuzzSupport
@testable import SessionsKit

/// The CodeMySpec importer: any bytes as an export file, imported into a
/// fresh in-memory store. Bad records are skipped with a reason, never fatal,
/// and nothing lands outside the importing account.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodeMySpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let store = TwoAccounts()
    _ = try? CodeMySpecImporter(service: store.service).run(Array(UnsafeBufferPointer(start: data, count: size)))
    store.requireIsolation(after: "an import")
    return 0
}
