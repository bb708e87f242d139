import Glibc

/// glibc functions Swift's Glibc module does not import (declared under _GNU_SOURCE or in headers it leaves
/// out), looked up once by symbol name.
enum GNUFunctions {
    typealias SyncFS = @convention(c) (Int32) -> Int32
    typealias FSetXattr = @convention(c) (Int32, UnsafePointer<CChar>, UnsafeRawPointer?, Int, Int32) -> Int32

    static let syncfs: SyncFS? = symbol("syncfs")
    static let fsetxattr: FSetXattr? = symbol("fsetxattr")

    private static func symbol<F>(_ name: String) -> F? {
        guard let address = dlsym(nil, name) else { return nil }
        return unsafeBitCast(address, to: F.self)
    }
}
