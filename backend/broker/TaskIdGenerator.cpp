#include "broker/TaskIdGenerator.h"

#include "core/Clock.h"

#include <QRandomGenerator>

namespace mmf {

namespace {
const char kAlphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
}

TaskIdGenerator::TaskIdGenerator(const Clock& clock)
    : m_clock(clock)
{
    std::seed_seq seed{QRandomGenerator::system()->generate(), QRandomGenerator::system()->generate(),
                       QRandomGenerator::system()->generate(), QRandomGenerator::system()->generate()};
    m_random.seed(seed);
}

QByteArray TaskIdGenerator::next()
{
    QByteArray id(26, Qt::Uninitialized);
    quint64 time = quint64(m_clock.nowMs());
    for (int i = 9; i >= 0; --i) {
        id[i] = kAlphabet[time & 31];
        time >>= 5;
    }
    quint64 a = m_random();
    quint64 b = m_random();
    for (int i = 10; i < 26; ++i) {
        quint64& source = i < 22 ? a : b;
        id[i] = kAlphabet[source & 31];
        source >>= 5;
    }
    return id;
}

bool TaskIdGenerator::isValid(QByteArrayView id)
{
    if (id.size() != 26)
        return false;
    for (char c : id) {
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) || c == 'I' || c == 'L' || c == 'O' ||
            c == 'U')
            return false;
    }
    return true;
}

} // namespace mmf
