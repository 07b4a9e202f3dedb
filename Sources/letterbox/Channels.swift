import ArgumentParser
import Configuration
import Foundation
import LetterboxCommands
import LetterboxCore
import LetterboxEmail
import LetterboxPhoneNotes
import LetterboxSMS
import LetterboxStore
import LetterboxTwilio
import LetterboxWebForm
import Logging

/// Every channel adapter Letterbox has: the one place that names them. Adding a channel is a
/// folder under Adapters/, its target in Package.swift, and one line here.
enum ChannelRegistry {
    static let factories: [any ChannelAdapterFactory.Type] = [
        EmailAdapter.self,
        WebFormAdapter.self,
        SMSAdapter.self,
        PhoneNotesAdapter.self,
        TwilioAdapter.self,
    ]

    /// The adapters' one-shot import commands, run as `letterbox ingest NAME`.
    static var importCommands: [any ParsableCommand.Type] {
        factories.compactMap { $0 as? any ImportingAdapter.Type }.flatMap { $0.importCommands }
    }

    /// The channels records can carry, in registration order, once each.
    static var channels: [Channel] {
        var seen = Set<Channel>()
        return factories.map { $0.channel }.filter { seen.insert($0).inserted }
    }
}

/// The channel names options accept (`list --channel`, `restrictions add --channels`): the names
/// records carry, so a restriction scoped to a channel matches that channel's records.
enum ChannelNames {
    static var known: [Channel] { ChannelRegistry.channels }
    static var list: String { known.map(\.rawValue).joined(separator: ", ") }

    static func channel(_ name: String, option: String) throws -> Channel {
        guard let channel = known.first(where: { $0.rawValue == name }) else {
            throw CLIError(.usage, "\(option): there is no channel \"\(name)\". The channels are \(list).")
        }
        return channel
    }
}

extension Settings {
    /// The adapters the configuration asks for.
    ///
    /// `strict`: a mistake in any adapter's section stops the command (serve, watch). Otherwise
    /// an adapter whose section is wrong is left out, with a warning, so that a mistake in the
    /// SMS settings cannot stop the mail server's pipe; its submissions are quarantined as
    /// having no decoder, and a retry after the fix reads them.
    func adapters(strict: Bool, serving: Bool = false, logger: Logger? = nil) throws -> [any ChannelAdapter] {
        let settings = channelSettings(serving: serving)
        var adapters: [any ChannelAdapter] = []
        for factory in ChannelRegistry.factories {
            do {
                adapters += try factory.adapters(settings)
            } catch {
                let message = "\(factory.section).*: \(error)"
                if strict { throw CLIError(.config, message) }
                logger?.warning("The \(factory.name) channel is off: \(message)")
            }
        }
        return adapters
    }

    func channelSettings(serving: Bool) -> ChannelSettings {
        Self.channelSettings(config, serving: serving)
    }

    static func channelSettings(_ config: ConfigReader, serving: Bool) -> ChannelSettings {
        ChannelSettings(
            readers: .init(
                string: { key, secret in config.string(forKey: ConfigKey(key), isSecret: secret) },
                int: { config.int(forKey: ConfigKey($0)) },
                double: { config.double(forKey: ConfigKey($0)) },
                bool: { config.bool(forKey: ConfigKey($0)) },
                list: { Settings.list(config, $0) }
            ),
            adapterNames: Set(ChannelRegistry.factories.map { $0.name }),
            serving: serving
        )
    }

    /// The pipeline with every configured adapter's decoder, and the crash-test hook when asked for.
    func intake(store: SQLiteCaseStore, adapters: [any ChannelAdapter]? = nil) -> Intake {
        intake(backend: store, adapters: adapters)
    }

    func intake(backend: any IntakeStore, adapters: [any ChannelAdapter]? = nil) -> Intake {
        var intake = Intake(backend: backend, adapters: adapters ?? ((try? self.adapters(strict: false, logger: makeLogger())) ?? []))
        // One variable read: the whole environment as a dictionary is made anew on each ask.
        if let fault = getenv("LETTERBOX_FAULT"), String(cString: fault) == "kill-after-raw" {
            intake.afterReceive = { kill(getpid(), SIGKILL) }
        }
        return intake
    }
}
