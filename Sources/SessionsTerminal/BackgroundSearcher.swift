import Dispatch
import SessionsKit
import SessionsTUI
import Synchronization

/// Runs the search screen's searches off the loop's thread, handing each
/// step back through a pipe the loop polls, so hits stream in while keys
/// keep working. A new search, or `Esc`, makes the running one stop at its
/// next step: each search checks, between steps, that it is still the one wanted.
final class BackgroundSearcher: Sendable {
    private let steps: HandOff<Action>
    var readFD: Int32 { steps.readFD }
    /// The search wanted now, by generation; 0 when none is.
    private let wanted = Atomic<Int>(0)

    init?() {
        guard let steps = HandOff<Action>() else { return nil }
        self.steps = steps
    }

    func start(_ request: SearchRequest, service: SessionService, catalog: Catalog?, projectID: Project.ID?) {
        wanted.store(request.generation, ordering: .sequentiallyConsistent)
        DispatchQueue.global().async { [self] in
            Runtime.search(request, service: service, catalog: catalog, projectID: projectID,
                           shouldStop: { wanted.load(ordering: .sequentiallyConsistent) != request.generation }) { action in
                steps.hand(action)
            }
        }
    }

    func stop() {
        wanted.store(0, ordering: .sequentiallyConsistent)
    }

    /// The steps handed over since last asked.
    func take() -> [Action] { steps.take() }
}
