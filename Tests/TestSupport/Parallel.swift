import Glibc

/// Runs each body on its own OS thread and waits for all of them. Blocking work
/// (child processes) must not occupy the small cooperative thread pool.
public func runOnThreads(_ bodies: [@Sendable () -> Void]) {
    startThreads(bodies).join()
}

/// Threads started by `startThreads`, for work that runs beside the caller's own.
public struct RunningThreads: ~Copyable {
    fileprivate var threads: [pthread_t]

    /// Waits for every thread to finish.
    public consuming func join() {
        for thread in threads { pthread_join(thread, nil) }
    }
}

/// Starts each body on its own OS thread and returns at once.
public func startThreads(_ bodies: [@Sendable () -> Void]) -> RunningThreads {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    var threads: [pthread_t] = []
    for body in bodies {
        var thread = pthread_t()
        let box = Unmanaged.passRetained(Box(body)).toOpaque()
        let created = pthread_create(&thread, nil, { raw in
            let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box
            box.body()
            return nil
        }, box)
        precondition(created == 0, "pthread_create failed")
        threads.append(thread)
    }
    return RunningThreads(threads: threads)
}
