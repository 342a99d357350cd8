@testable import SessionsKit

/// The hook payload parser: any bytes as one Claude Code hook event, recorded
/// into a fresh in-memory store. A payload it cannot use is ignored or an
/// error, never fatal, and nothing lands outside the active account.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzHookPayload(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var registry = Registry()
    let mine = registry.addAccount(name: "mine", at: Timestamp(seconds: 0))
    _ = registry.addAccount(name: "other", at: Timestamp(seconds: 0))
    registry.defaultAccountID = mine.id
    let service = SessionService(store: MemoryStore(registry: registry), scope: Scope(accountID: mine.id))
    _ = try? ClaudeCodeHook(service: service).record(bytes)
    guard let catalog = try? service.store.catalog() else { fatalError("the store cannot be read after a hook event") }
    if catalog.summaries.contains(where: { $0.accountID != mine.id }) { fatalError("a hook event wrote into another account") }
    return 0
}
