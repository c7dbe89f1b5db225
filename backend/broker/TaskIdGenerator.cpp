#include "broker/TaskIdGenerator.h"

#include "broker/BrokerKeys.h"
#include "core/Clock.h"

#include <sodium.h>

namespace mmf {

namespace {
const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
constexpr qsizetype kStampLength = 26;

bool isStamp(QByteArrayView id)
{
    if (id.size() != kStampLength)
        return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || c == 'I' || c == 'L' || c == 'O' ||
            c == 'U')
            return false;
    }
    return true;
}
} // namespace

TaskIdGenerator::TaskIdGenerator(const Clock& clock)
    : m_clock(clock)
{
    if (sodium_init() < 0)
        qFatal("libsodium could not be initialised");
}

QByteArray TaskIdGenerator::next(QByteArrayView model)
{
    QByteArray id(kStampLength + 1 + model.size(), Qt::Uninitialized);
    quint64 time = quint64(m_clock.nowMs());
    for (int i = 9; i >= 0; --i) {
        id[i] = kAlphabet[time & 31];
        time >>= 5;
    }
    constexpr std::size_t kRandomPerId = kStampLength - 10;
    if (m_randomUsed + kRandomPerId > m_random.size()) {
        randombytes_buf(m_random.data(), m_random.size());
        m_randomUsed = 0;
    }
    const unsigned char* random = m_random.data() + m_randomUsed;
    for (int i = 10; i < kStampLength; ++i)
        id[i] = kAlphabet[random[i - 10] & 31];
    m_randomUsed += kRandomPerId;
    id[kStampLength] = '.';
    std::copy(model.begin(), model.end(), id.begin() + kStampLength + 1);
    return id;
}

bool TaskIdGenerator::isValid(QByteArrayView id)
{
    if (id.size() == kStampLength)
        return isStamp(id);
    return id.size() > kStampLength + 1 && id[kStampLength] == '.' && isStamp(id.first(kStampLength)) &&
           BrokerKeys::isValidModelName(id.sliced(kStampLength + 1));
}

QByteArray TaskIdGenerator::modelOf(QByteArrayView id)
{
    return id.size() > kStampLength + 1 && id[kStampLength] == '.' ? id.sliced(kStampLength + 1).toByteArray()
                                                                   : QByteArray();
}

} // namespace mmf
