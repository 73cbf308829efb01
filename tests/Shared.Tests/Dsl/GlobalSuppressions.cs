using System.Diagnostics.CodeAnalysis;

// The project's root namespace is ShipSec.Shared.Tests; "Shared" is a Visual Basic keyword, and no VB
// consumer of a test assembly exists (src/ suppresses CA1716 for the same reason in .editorconfig).
[assembly: SuppressMessage("Naming", "CA1716:Identifiers should not match keywords", Justification = "See above.", Scope = "namespace", Target = "~N:ShipSec.Shared.Tests.Dsl")]
