import ArgumentParser
import Configuration
import ServiceLifecycle
import Logging
@main struct M { static func main() {} }
