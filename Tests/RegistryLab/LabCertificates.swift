import Foundation

/// The lab's keys and certificates, made with openssl in the lab's directory: a test CA, a server
/// certificate it signs for the registry (SAN IP:127.0.0.1 and DNS:localhost, since Go and most clients
/// ignore the CN), and a self-signed P-256 certificate whose key signs the token realm's JWTs.
struct LabCertificates {
    let caCertificate: String
    let serverCertificate: String
    let serverKey: String
    let tokenSigningCertificate: String
    let tokenSigningKey: String

    static let openssl = "/usr/bin/openssl"

    static func make(in directory: String) throws -> LabCertificates {
        let certificates = LabCertificates(
            caCertificate: "\(directory)/ca.crt", serverCertificate: "\(directory)/server.crt",
            serverKey: "\(directory)/server.key", tokenSigningCertificate: "\(directory)/token-signing.crt",
            tokenSigningKey: "\(directory)/token-signing.key")
        let caKey = "\(directory)/ca.key"
        // Short lives: these exist for one test run.
        try LabCommand.check(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=berth registry lab CA", "-keyout", caKey, "-out", certificates.caCertificate,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
        let request = "\(directory)/server.csr"
        try LabCommand.check(
            openssl,
            [
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-subj", "/CN=localhost", "-keyout", certificates.serverKey, "-out", request,
            ])
        let extensions = "\(directory)/server.ext"
        try """
        basicConstraints=critical,CA:FALSE
        keyUsage=critical,digitalSignature
        extendedKeyUsage=serverAuth
        subjectAltName=IP:127.0.0.1,DNS:localhost

        """.write(toFile: extensions, atomically: true, encoding: .utf8)
        try LabCommand.check(
            openssl,
            [
                "x509", "-req", "-in", request, "-CA", certificates.caCertificate, "-CAkey", caKey,
                "-set_serial", "\(UInt32.random(in: 1...UInt32.max))", "-days", "2", "-extfile", extensions,
                "-out", certificates.serverCertificate,
            ])
        // PKCS#8 ("BEGIN PRIVATE KEY"), which swift-crypto's P256 reads from PEM.
        try LabCommand.check(
            openssl,
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=berth registry lab token signer", "-keyout", certificates.tokenSigningKey,
                "-out", certificates.tokenSigningCertificate,
            ])
        return certificates
    }

    /// The DER bytes of a PEM certificate file's first certificate (what a JWT's `x5c` carries, base64).
    static func der(ofPEMCertificate path: String) throws -> Data {
        let pem = try String(contentsOfFile: path, encoding: .utf8)
        let body = pem.components(separatedBy: "\n")
            .drop(while: { $0 != "-----BEGIN CERTIFICATE-----" }).dropFirst()
            .prefix(while: { $0 != "-----END CERTIFICATE-----" })
            .joined()
        guard let der = Data(base64Encoded: body), !der.isEmpty else {
            throw RegistryLabError(step: path, detail: "no PEM certificate")
        }
        return der
    }
}
