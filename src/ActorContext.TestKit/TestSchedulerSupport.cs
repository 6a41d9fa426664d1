using ActorContext.Akka.Infrastructure;
using ActorContext.TestKit;

// What this package adds to the engine: WithMessageContext() turns Akka.TestKit's TestScheduler into this one.
[assembly: TestSchedulerSupport(typeof(ContextTestScheduler))]
