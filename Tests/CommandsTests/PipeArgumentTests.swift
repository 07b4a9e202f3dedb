import ArgumentParser
import LetterboxCommands
import LetterboxEmail
import Testing

/// The mail pipe's own reading of its options (`EmailPipeCommand.parsePlain`, which skips
/// ArgumentParser's reflection) against ArgumentParser's reading of the same arguments.
@Suite struct PipeArgumentTests {
    struct Read: Equatable {
        var store, config, sender, recipient: String?
        var verbose: Bool

        init(_ command: EmailPipeCommand) {
            self.init(EmailPipe(choice: command.storeOptions.choice, sender: command.sender, recipient: command.recipient))
        }

        init(_ pipe: EmailPipe) {
            store = pipe.choice.store
            config = pipe.choice.config
            sender = pipe.sender
            recipient = pipe.recipient
            verbose = pipe.choice.verbose
        }
    }

    @Test("What a mail server passes reads the same both ways", arguments: [
        [],
        ["--store", "/var/lib/letterbox/letterbox.sqlite"],
        ["--sender", "maria@example.net", "--recipient", "complaints@example-housing.org.uk"],
        ["--recipient", "complaints@example-housing.org.uk", "--sender", "maria@example.net", "--store", "s.sqlite", "--config", "/etc/letterbox.yaml"],
        ["--store=/tmp/s.sqlite", "--sender=a=b@example.net", "-v"],
        ["--verbose", "--sender", "", "--recipient", "feedback+tenant@example.org"],
        ["--sender", "<>", "--recipient", "x@y"],
        ["--sender", "name with space@example.net"],
    ])
    func same(_ arguments: [String]) throws {
        let plain = try #require(EmailPipeCommand.parsePlain(arguments))
        let parsed = try EmailPipeCommand.parse(arguments)
        #expect(Read(plain) == Read(parsed))
    }

    @Test("Anything else is left to ArgumentParser: help, unknown or repeated options, a missing value, a value that looks like an option", arguments: [
        ["--help"], ["-h"], ["--store"], ["--store", "a", "--store", "b"], ["--sender", "-x"], ["--dry-run"], ["extra"],
        ["-v", "-v"], ["--store=-a"], ["-vh"],
    ])
    func leftToArgumentParser(_ arguments: [String]) {
        #expect(EmailPipeCommand.parsePlain(arguments) == nil)
    }
}
