#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>

#include <vector>

namespace mmf {

// The answers of one connection, written strictly in request order: an answer given out of turn is serialized
// and held in its slot until the earlier ones are out. No sockets: the bytes go to an Output.
class HttpAnswerQueue
{
public:
    using Headers = QList<QPair<QByteArray, QByteArray>>;

    // Where serialized answers go: the socket, or a buffer in tests.
    class Output
    {
    public:
        virtual void write(const char* data, qsizetype size) = 0; // copied
        virtual void write(const QByteArray& shared) = 0;         // may be kept without a copy
    protected:
        ~Output() = default;
    };

    enum class Outcome
    {
        Ignored, // not awaited: unknown sequence, or answered before
        Held,    // stored until the earlier answers are out
        Written, // it (and the held answers behind it) went to the output
        Closing  // as Written, and one of them closes the connection: nothing after it was written
    };

    // `scratch` assembles the answer at the front; it may be shared by the connections of one thread.
    explicit HttpAnswerQueue(QByteArray& scratch);

    // A slot for the next request's answer. `close`: the connection closes after it; `head`: a HEAD request
    // (no body on the wire); `http10KeepAlive`: say `Connection: keep-alive` to an HTTP/1.0 client.
    quint64 push(bool close, bool head, bool http10KeepAlive);
    // The answer to `sequence`. Extra headers with CR or LF are dropped (no response splitting); Connection
    // and Content-Length are the queue's to set; `Connection: close` among them closes after this answer.
    Outcome answer(quint64 sequence, int status, const QByteArray& contentType, const QByteArray& body,
                   const Headers& extraHeaders, Output& out);
    // The last request pushed so far is the last one: its answer closes the connection.
    void closeAfterLast();
    bool empty() const { return m_head == m_slots.size(); }
    size_t outstanding() const { return m_slots.size() - m_head; }
    // Forgets every unanswered slot; later answers to them are ignored.
    void clear();

private:
    struct Slot
    {
        QByteArray data;      // serialized head (+ body when small) once answered out of turn
        QByteArray largeBody; // a body too big to copy, written after `data`
        bool ready = false;
        bool close = false;
        bool head = false;
        bool http10KeepAlive = false;
    };

    void serialize(QByteArray& out, const Slot& slot, int status, const QByteArray& contentType,
                   const QByteArray& body, const Headers& extraHeaders, bool inlineBody) const;
    void popFront();

    QByteArray& m_scratch;
    std::vector<Slot> m_slots; // m_slots[m_head] belongs to sequence m_headSequence
    size_t m_head = 0;
    quint64 m_headSequence = 0;
    quint64 m_nextSequence = 0;
};

} // namespace mmf
