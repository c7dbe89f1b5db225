#include "auth/TokenCodec.h"

#include "auth/Base64Url.h"
#include "auth/SigningKey.h"
#include "auth/SodiumInit.h"

#include <QDebug>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <sodium.h>

#include <cstring>

namespace mmf {

namespace {

// Domain separation: a signature over a token can never be replayed as a signature over anything else.
constexpr char kDomain[] = "mmf-token-v1"; // signed with its terminating NUL
constexpr qsizetype kDomainSize = sizeof kDomain;
constexpr int kKeyIdField = 6; // TokenClaims.key_id

Error unauthenticated(const char* why)
{
    return Error::unauthenticated(QString::fromLatin1(why));
}

bool readVarint(const unsigned char*& p, const unsigned char* end, quint64& value)
{
    value = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
        const unsigned char byte = *p++;
        value |= quint64(byte & 0x7f) << shift;
        if (!(byte & 0x80))
            return true;
    }
    return false;
}

// Finds key_id in serialized claims without a full protobuf parse: untrusted bytes meet the protobuf parser
// (which logs on bad UTF-8) only after their signature checked out. False on malformed wire data.
bool scanKeyId(QByteArrayView bytes, QByteArrayView& keyId)
{
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const auto* end = p + bytes.size();
    while (p < end) {
        quint64 tag = 0;
        if (!readVarint(p, end, tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
            return false;
        quint64 value = 0;
        switch (tag & 7) {
        case 0:
            if (!readVarint(p, end, value))
                return false;
            break;
        case 1:
            if (end - p < 8)
                return false;
            p += 8;
            break;
        case 2:
            if (!readVarint(p, end, value) || value > quint64(end - p))
                return false;
            if ((tag >> 3) == kKeyIdField) // the last occurrence wins, as in protobuf's own parser
                keyId = QByteArrayView(reinterpret_cast<const char*>(p), qsizetype(value));
            p += value;
            break;
        case 5:
            if (end - p < 4)
                return false;
            p += 4;
            break;
        default: // groups and invalid wire types: TokenClaims has none
            return false;
        }
    }
    return true;
}

struct TrustedKey
{
    QByteArray publicKey;
    qint64 notAfterSecs = 0;
    quint64 serial = 0; // changes when the key_id gets another public key: cached entries of the old one die
};

struct CacheEntry
{
    SharedTokenClaims claims;
    quint64 keySerial = 0;
};

bool keyExpired(const TrustedKey& key, qint64 nowSecs)
{
    return key.notAfterSecs != 0 && nowSecs >= key.notAfterSecs;
}

} // namespace

struct TokenVerifier::Private
{
    Private(const Clock& c, int skew, int capacity)
        : clock(c)
        , clockSkewSecs(skew)
        , cacheCapacity(capacity)
    {}

    const Clock& clock;
    const int clockSkewSecs;
    const int cacheCapacity;
    std::function<bool(QByteArrayView)> unknownKeyHandler;

    // One lock for keys and cache: a cache hit must see the key table it is validated against.
    mutable QReadWriteLock lock;
    QHash<QByteArray, TrustedKey> keys;
    quint64 nextSerial = 1;
    // Two generations, an LRU approximation that needs no write on a hit: inserts go to `current`; when it is
    // full it becomes `previous` (the older one is dropped); a hit in `previous` is copied back into
    // `current`.
    mutable QHash<QByteArray, CacheEntry> current;
    mutable QHash<QByteArray, CacheEntry> previous;

    int generationSize() const { return qMax(1, cacheCapacity / 2); }

    // Caller holds the write lock.
    void insert(QByteArrayView token, const CacheEntry& entry) const
    {
        if (current.size() >= generationSize()) {
            previous = std::move(current);
            current = {};
        }
        current.insert(token.toByteArray(), entry);
    }

    // Caller holds the read lock. The entry counts only while its key is still trusted under the same serial.
    const CacheEntry* findValid(const QByteArray& token, qint64 nowSecs, bool& inPrevious) const
    {
        inPrevious = false;
        auto it = current.constFind(token);
        if (it == current.cend()) {
            it = previous.constFind(token);
            if (it == previous.cend())
                return nullptr;
            inPrevious = true;
        }
        const std::string& keyId = it->claims->key_id();
        const auto key = keys.constFind(QByteArray::fromRawData(keyId.data(), qsizetype(keyId.size())));
        if (key == keys.cend() || key->serial != it->keySerial || keyExpired(*key, nowSecs))
            return nullptr; // the full path says which check fails now
        return &*it;
    }

    Result<SharedTokenClaims> verifyFully(QByteArrayView token, qint64 nowSecs) const;
};

Result<SharedTokenClaims> TokenVerifier::Private::verifyFully(QByteArrayView token, qint64 nowSecs) const
{
    const qsizetype dot = token.indexOf('.');
    if (dot < 0 || token.sliced(dot + 1).contains('.'))
        return unauthenticated("token is malformed: expected <claims>.<signature>");
    const auto claimsBytes = Base64Url::decode(token.first(dot));
    if (!claimsBytes)
        return unauthenticated("token claims are not valid base64url");
    const auto signature = Base64Url::decode(token.sliced(dot + 1));
    if (!signature)
        return unauthenticated("token signature is not valid base64url");
    if (signature->size() != crypto_sign_BYTES)
        return unauthenticated("token signature has the wrong length");
    QByteArrayView keyId;
    if (!scanKeyId(*claimsBytes, keyId))
        return unauthenticated("token claims do not parse");

    TrustedKey key;
    {
        QReadLocker locker(&lock);
        const auto it = keys.constFind(QByteArray::fromRawData(keyId.data(), keyId.size()));
        if (it != keys.cend())
            key = *it;
    }
    if (key.publicKey.isEmpty()) {
        if (unknownKeyHandler && unknownKeyHandler(keyId))
            return Error::unavailable(QStringLiteral(
                "the token's signing key is not known here yet (the keys are being read again): try again"));
        return unauthenticated("unknown signing key");
    }
    if (keyExpired(key, nowSecs))
        return unauthenticated("signing key is no longer trusted");

    QByteArray message(kDomainSize + claimsBytes->size(), Qt::Uninitialized);
    std::memcpy(message.data(), kDomain, kDomainSize);
    std::memcpy(message.data() + kDomainSize, claimsBytes->constData(), size_t(claimsBytes->size()));
    if (crypto_sign_verify_detached(reinterpret_cast<const unsigned char*>(signature->constData()),
                                    reinterpret_cast<const unsigned char*>(message.constData()),
                                    static_cast<unsigned long long>(message.size()),
                                    reinterpret_cast<const unsigned char*>(key.publicKey.constData())) != 0)
        return unauthenticated("token signature is invalid");

    auto claims = std::make_shared<v1::TokenClaims>();
    if (!claims->ParseFromArray(claimsBytes->constData(), int(claimsBytes->size())))
        return unauthenticated("token claims do not parse");
    if (!claims->GetReflection()->GetUnknownFields(*claims).empty())
        return unauthenticated("token claims carry unknown fields");
    if (claims->iat() > nowSecs + clockSkewSecs)
        return unauthenticated("token is issued in the future");
    if (claims->exp() <= nowSecs)
        return unauthenticated("token expired");

    SharedTokenClaims result = std::move(claims);
    if (cacheCapacity > 0) {
        QWriteLocker locker(&lock);
        // Cache only under the key we checked: it may have been replaced or removed meanwhile.
        const auto it = keys.constFind(QByteArray::fromRawData(keyId.data(), keyId.size()));
        if (it != keys.cend() && it->serial == key.serial)
            insert(token, CacheEntry{result, key.serial});
    }
    return result;
}

QByteArray issueToken(const SigningKey& key, v1::TokenClaims claims)
{
    if (key.isNull())
        return {};
    claims.set_key_id(key.keyId().toStdString());
    const size_t size = claims.ByteSizeLong();
    QByteArray message(kDomainSize + qsizetype(size), Qt::Uninitialized);
    std::memcpy(message.data(), kDomain, kDomainSize);
    {
        google::protobuf::io::ArrayOutputStream out(message.data() + kDomainSize, int(size));
        google::protobuf::io::CodedOutputStream coded(&out);
        coded.SetSerializationDeterministic(true);
        claims.SerializeWithCachedSizes(&coded);
    }
    const QByteArray signature = key.sign(message);
    QByteArray token = Base64Url::encode(QByteArrayView(message).sliced(kDomainSize));
    token += '.';
    token += Base64Url::encode(signature);
    return token;
}

TokenVerifier::TokenVerifier(const Clock& clock, int clockSkewSecs, int cacheCapacity)
    : d(std::make_unique<Private>(clock, clockSkewSecs, qMax(0, cacheCapacity)))
{
    detail::ensureSodium();
}

TokenVerifier::~TokenVerifier() = default;

void TokenVerifier::setUnknownKeyHandler(std::function<bool(QByteArrayView keyId)> handler)
{
    d->unknownKeyHandler = std::move(handler);
}

void TokenVerifier::setTrustedKey(const QByteArray& keyId, const QByteArray& publicKey, qint64 notAfterSecs)
{
    if (publicKey.size() != crypto_sign_PUBLICKEYBYTES) {
        qWarning("TokenVerifier: ignoring a public key of %lld bytes (expected %d)",
                 static_cast<long long>(publicKey.size()), int(crypto_sign_PUBLICKEYBYTES));
        return;
    }
    QWriteLocker locker(&d->lock);
    auto it = d->keys.find(keyId);
    if (it != d->keys.end() && it->publicKey == publicKey) {
        it->notAfterSecs = notAfterSecs;
        return;
    }
    d->keys.insert(keyId, TrustedKey{publicKey, notAfterSecs, d->nextSerial++});
}

void TokenVerifier::removeTrustedKey(const QByteArray& keyId)
{
    QWriteLocker locker(&d->lock);
    d->keys.remove(keyId);
}

bool TokenVerifier::knowsKey(const QByteArray& keyId) const
{
    QReadLocker locker(&d->lock);
    return d->keys.contains(keyId);
}

Result<SharedTokenClaims> TokenVerifier::verifyShared(QByteArrayView token) const
{
    if (token.isEmpty())
        return unauthenticated("token is empty");
    if (token.size() > kMaxTokenBytes)
        return unauthenticated("token is too long");
    const qint64 nowSecs = d->clock.nowSecs();
    if (d->cacheCapacity > 0) {
        SharedTokenClaims hit;
        quint64 serial = 0;
        bool inPrevious = false;
        {
            QReadLocker locker(&d->lock);
            // No allocation: the lookup key borrows the caller's bytes.
            const CacheEntry* entry =
                d->findValid(QByteArray::fromRawData(token.data(), token.size()), nowSecs, inPrevious);
            if (entry) {
                if (entry->claims->exp() <= nowSecs)
                    return unauthenticated("token expired");
                hit = entry->claims;
                serial = entry->keySerial;
            }
        }
        if (hit) {
            if (inPrevious) {
                QWriteLocker locker(&d->lock);
                if (!d->current.contains(QByteArray::fromRawData(token.data(), token.size())))
                    d->insert(token, CacheEntry{hit, serial});
            }
            return hit;
        }
    }
    return d->verifyFully(token, nowSecs);
}

Result<v1::TokenClaims> TokenVerifier::verify(QByteArrayView token) const
{
    auto shared = verifyShared(token);
    if (!shared)
        return shared.error();
    return v1::TokenClaims(**shared);
}

int TokenVerifier::cachedCount() const
{
    QReadLocker locker(&d->lock);
    return int(d->current.size() + d->previous.size());
}

bool hasMethod(const v1::TokenClaims& claims, QByteArrayView method)
{
    for (const std::string& granted : claims.methods()) {
        const QByteArrayView g(granted.data(), qsizetype(granted.size()));
        if (g == "admin" || g == method)
            return true;
    }
    return false;
}

} // namespace mmf
