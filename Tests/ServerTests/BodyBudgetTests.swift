import LetterboxServer
import Testing

@Suite("The budget of request bodies in memory")
struct BodyBudgetTests {
    @Test("Bodies are admitted while they fit; one is always admitted when none is held; released bytes make room")
    func admission() async {
        let budget = BodyBudget(capacity: 10)
        #expect(budget.tryReserve(6))
        #expect(budget.tryReserve(4))
        #expect(!budget.tryReserve(1))
        // Waiting gives up when nothing is released in time.
        #expect(await budget.reserve(1, patience: 0.05) == false)
        budget.release(6)
        #expect(budget.inUse == 4)
        #expect(budget.tryReserve(5))
        budget.release(9)
        #expect(budget.inUse == 0)
        // Larger than the whole budget: admitted alone, so a route's own limit stays reachable.
        #expect(budget.tryReserve(25))
        #expect(!budget.tryReserve(1))
        budget.release(25)
    }

    @Test("A request waiting for room gets it when another releases")
    func waiting() async {
        let budget = BodyBudget(capacity: 10)
        #expect(budget.tryReserve(10))
        async let admitted = budget.reserve(5, patience: 5)
        try? await Task.sleep(for: .milliseconds(100))
        budget.release(10)
        #expect(await admitted)
        #expect(budget.inUse == 5)
    }
}
