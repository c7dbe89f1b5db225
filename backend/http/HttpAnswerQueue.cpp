#include "http/HttpAnswerQueue.h"

#include "http/HttpUtil.h"

#include <QLoggingCategory>

namespace mmf {

namespace {

Q_LOGGING_CATEGORY(lcAnswers, "mmf.http")

constexpr qsizetype kInlineBodyMax = 64 * 1024; // larger bodies go to the output without a copy

bool hasLineBreak(const QByteArray& text)
{
    return text.contains('\r') || text.contains('\n');
}

bool equalsCi(QByteArrayView a, QByteArrayView b)
{
    return a.compare(b, Qt::CaseInsensitive) == 0;
}

bool asksToClose(const HttpAnswerQueue::Headers& headers)
{
    for (const auto& h : headers) {
        if (equalsCi(h.first, "connection") && http::headerHasToken(h.second, "close"))
            return true;
    }
    return false;
}

bool hasNoBody(int status)
{
    return status == 204 || status == 304 || (status >= 100 && status < 200);
}

} // namespace

HttpAnswerQueue::HttpAnswerQueue(QByteArray& scratch)
    : m_scratch(scratch)
{}

quint64 HttpAnswerQueue::push(bool close, bool head, bool http10KeepAlive)
{
    if (empty()) {
        m_slots.clear(); // keeps the capacity: no allocation per request
        m_head = 0;
    } else if (m_head > 32 && m_head * 2 > m_slots.size()) {
        m_slots.erase(m_slots.begin(), m_slots.begin() + qsizetype(m_head));
        m_head = 0;
    }
    Slot& slot = m_slots.emplace_back();
    slot.close = close;
    slot.head = head;
    slot.http10KeepAlive = http10KeepAlive;
    return m_nextSequence++;
}

void HttpAnswerQueue::closeAfterLast()
{
    if (!empty())
        m_slots.back().close = true;
}

void HttpAnswerQueue::clear()
{
    m_slots.clear();
    m_head = 0;
    m_headSequence = m_nextSequence;
}

void HttpAnswerQueue::popFront()
{
    m_slots[m_head] = Slot();
    ++m_head;
    ++m_headSequence;
}

HttpAnswerQueue::Outcome HttpAnswerQueue::answer(quint64 sequence, int status, const QByteArray& contentType,
                                                 const QByteArray& body, const Headers& extraHeaders,
                                                 Output& out)
{
    if (sequence < m_headSequence || sequence >= m_nextSequence)
        return Outcome::Ignored;
    Slot& slot = m_slots[m_head + size_t(sequence - m_headSequence)];
    if (slot.ready)
        return Outcome::Ignored;
    slot.close = slot.close || asksToClose(extraHeaders);
    const bool inlineBody = slot.head || body.size() < kInlineBodyMax;
    if (sequence != m_headSequence) {
        // Out of turn: serialize now (the caller's data may not live), write when the earlier ones are out.
        serialize(slot.data, slot, status, contentType, body, extraHeaders, inlineBody);
        if (!inlineBody)
            slot.largeBody = body;
        slot.ready = true;
        return Outcome::Held;
    }
    serialize(m_scratch, slot, status, contentType, body, extraHeaders, inlineBody);
    // The char* write copies, so the scratch keeps its capacity for the next answer.
    out.write(m_scratch.constData(), m_scratch.size());
    if (!inlineBody && !hasNoBody(status))
        out.write(body); // shared, not copied
    bool close = slot.close;
    popFront();
    while (!close && !empty() && m_slots[m_head].ready) {
        Slot& next = m_slots[m_head];
        out.write(next.data);
        if (!next.largeBody.isEmpty())
            out.write(next.largeBody);
        close = next.close;
        popFront();
    }
    return close ? Outcome::Closing : Outcome::Written;
}

void HttpAnswerQueue::serialize(QByteArray& out, const Slot& slot, int status, const QByteArray& contentType,
                                const QByteArray& body, const Headers& extraHeaders, bool inlineBody) const
{
    const bool noBody = hasNoBody(status);
    qsizetype extraSize = 0;
    for (const auto& h : extraHeaders)
        extraSize += h.first.size() + h.second.size() + 4;
    out.resize(0);
    out.reserve(128 + contentType.size() + extraSize + (inlineBody && !slot.head ? body.size() : 0));
    out.append("HTTP/1.1 ", 9);
    http::appendNumber(out, status);
    out.append(' ');
    out.append(http::reasonPhrase(status));
    out.append("\r\n", 2);
    if (!noBody) {
        if (!contentType.isEmpty()) {
            out.append("Content-Type: ", 14);
            out.append(contentType);
            out.append("\r\n", 2);
        }
        out.append("Content-Length: ", 16);
        http::appendNumber(out, body.size());
        out.append("\r\n", 2);
    }
    for (const auto& h : extraHeaders) {
        if (h.first.isEmpty() || hasLineBreak(h.first) || hasLineBreak(h.second)) {
            qCWarning(lcAnswers) << "dropped a response header with a line break:" << h.first.left(40);
            continue;
        }
        if (equalsCi(h.first, "connection") || equalsCi(h.first, "content-length"))
            continue; // ours to set
        out.append(h.first);
        out.append(": ", 2);
        out.append(h.second);
        out.append("\r\n", 2);
    }
    if (slot.close)
        out.append("Connection: close\r\n", 19);
    else if (slot.http10KeepAlive)
        out.append("Connection: keep-alive\r\n", 24);
    out.append("\r\n", 2);
    if (inlineBody && !slot.head && !noBody)
        out.append(body);
}

} // namespace mmf
