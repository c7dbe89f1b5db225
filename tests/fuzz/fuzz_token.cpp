// TokenVerifier::verify on any bytes: never crashes and never accepts what the trusted key did not sign. The
// first byte picks a mode: verify the input as a token, or sign claims parsed from the input and check that a
// copy with one character changed is refused.
#include "FuzzCheck.h"
#include "auth/SigningKey.h"
#include "auth/TokenCodec.h"
#include "core/Clock.h"

#include <cstddef>
#include <cstdint>

using namespace mmf;

namespace {

class FixedClock final : public Clock
{
public:
    qint64 nowMs() const override { return 1'800'000'000'000; }
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const FixedClock clock;
    static const SigningKey key = *SigningKey::fromSeed(QByteArray(32, '\x07'));
    static TokenVerifier* verifier = [] {
        auto* v = new TokenVerifier(clock, 60, 0); // no cache: every call verifies
        v->setTrustedKey(key.keyId(), key.publicKey());
        return v;
    }();
    if (size < 1 || size > 2 * TokenVerifier::kMaxTokenBytes)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char*>(data) + 1, qsizetype(size) - 1);
    if (data[0] % 2 == 0) {
        (void)verifier->verify(input);
        return 0;
    }
    v1::TokenClaims claims;
    if (!claims.ParseFromArray(input.data(), int(input.size())))
        return 0;
    const QByteArray token = issueToken(key, claims);
    if (token.isEmpty())
        return 0;
    QByteArray tampered = token;
    const qsizetype at = qsizetype(data[0]) % tampered.size();
    tampered[at] = tampered[at] == 'A' ? 'B' : 'A';
    // Strict base64url: any changed character changes the signed bytes or the signature.
    MMF_FUZZ_CHECK(!verifier->verify(tampered).ok());
    return 0;
}
