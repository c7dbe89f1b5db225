#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QHash>
#include <QTimer>

#include <deque>
#include <functional>

namespace mmf {

class Clock;

// For a token whose signing key the verifier does not trust: may the key be one another server published
// since this server last read the keys (a server that has just started, a rotation elsewhere), or is it
// nobody's? A key id is nobody's once a read of the keys that started after it was first seen came back
// without it; until then its tokens are answered "try again" and such a read is asked for. Reads are asked
// for at most every kMinGapMs, so unknown ids cost a bounded number of reads whatever clients send; an id is
// remembered for kForgetMs (a key published later is then looked for again), and at most kMaxIds at once.
class UnknownSigningKeys
{
public:
    static constexpr qint64 kMinGapMs = 250;
    static constexpr qint64 kForgetMs = 10'000;
    static constexpr int kMaxIds = 1024;

    // `startRead` reads the keys again (and calls readStarted()).
    UnknownSigningKeys(const Clock& clock, std::function<void()> startRead);

    // True: "try again" (a read that may have the key is coming); false: refuse the token.
    bool mayBeNew(QByteArrayView keyId);
    // Every read of the keys, in the order sent; Redis answers them in that order.
    void readStarted();
    // `answered`: Redis answered (a failed read proves nothing).
    void readFinished(bool answered);

private:
    void askForRead(quint64 after);

    const Clock& m_clock;
    std::function<void()> m_startRead;
    quint64 m_sequence = 0; // orders sightings and reads
    struct Sighting
    {
        quint64 sequence = 0;
        qint64 atMs = 0;
    };
    QHash<QByteArray, Sighting> m_ids;
    std::deque<quint64> m_reading; // sequence numbers of the reads out
    quint64 m_lastStarted = 0;     // sequence number of the newest read sent
    quint64 m_lastAnswered = 0;    // sequence number of the newest read answered
    qint64 m_lastStartedAtMs = -1;
    QTimer m_later;
};

} // namespace mmf
