@testable import SessionsKit

/// The CodeMySpec importer: any bytes as an export file, imported into a
/// fresh in-memory store. Bad records are skipped with a reason, never fatal,
/// and nothing lands outside the importing account.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCodeMySpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var registry = Registry()
    let mine = registry.addAccount(name: "mine", at: Timestamp(seconds: 0))
    _ = registry.addAccount(name: "other", at: Timestamp(seconds: 0))
    registry.defaultAccountID = mine.id
    let service = SessionService(store: MemoryStore(registry: registry), scope: Scope(accountID: mine.id))
    _ = try? CodeMySpecImporter(service: service).run(bytes)
    guard let catalog = try? service.store.catalog() else { fatalError("the store cannot be read after an import") }
    if catalog.summaries.contains(where: { $0.accountID != mine.id }) { fatalError("an import wrote into another account") }
    return 0
}
