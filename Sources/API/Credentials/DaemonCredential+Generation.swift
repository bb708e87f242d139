extension DaemonCredential {
    /// AWS's access key ids use RFC 4648 base32 after the 4-character prefix.
    static let accessKeyIdAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    /// AWS's secret keys are 40 characters of the base64 alphabet.
    static let secretAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// A fresh random credential. `SystemRandomNumberGenerator` is the kernel's CSPRNG (getrandom(2));
    /// both alphabets have a power-of-two size, so masking a random byte picks every character equally often.
    public static func generate() -> DaemonCredential {
        var generator = SystemRandomNumberGenerator()
        return DaemonCredential(
            accessKeyId: "AKIA" + randomString(count: 16, alphabet: accessKeyIdAlphabet, using: &generator),
            secretAccessKey: randomString(count: 40, alphabet: secretAlphabet, using: &generator)
        )
    }

    private static func randomString(
        count: Int, alphabet: [Character], using generator: inout SystemRandomNumberGenerator
    ) -> String {
        precondition(alphabet.count.nonzeroBitCount == 1, "the alphabet size must be a power of two")
        let mask = UInt8(alphabet.count - 1)
        return String((0..<count).map { _ in alphabet[Int(UInt8.random(in: 0...255, using: &generator) & mask)] })
    }
}
