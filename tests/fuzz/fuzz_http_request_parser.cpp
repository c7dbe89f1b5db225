// HttpRequestParser: any bytes, whole and split in pieces whose sizes come from the input, must give the same
// requests and the same refusal; nothing may crash or run past a limit.
#include "FuzzCheck.h"
#include "http/HttpRequestParser.h"

#include <QByteArray>
#include <QStringList>

#include <cstddef>
#include <cstdint>

using namespace mmf;

namespace {

QStringList run(const char* data, qsizetype size, qsizetype piece)
{
    HttpLimits limits;
    limits.maxBodyBytes = 4096;
    limits.maxRequestLine = 512;
    limits.maxHeaderBytes = 512;
    limits.maxHeadersTotal = 2048;
    limits.maxHeaderCount = 20;
    HttpRequestParser parser(limits);
    QStringList out;
    for (qsizetype at = 0; at < size; at += piece) {
        const qsizetype end = std::min(size, at + piece);
        qsizetype pos = at;
        for (;;) {
            const auto step = parser.feed(data + pos, end - pos);
            MMF_FUZZ_CHECK(step.consumed >= 0 && step.consumed <= end - pos);
            pos += step.consumed;
            if (step.event == HttpRequestParser::Event::NeedMore) {
                MMF_FUZZ_CHECK(pos == end);
                break;
            }
            if (step.event == HttpRequestParser::Event::Error)
                return out << QString::number(parser.error().status) +
                                  QString::fromLatin1(parser.error().message);
            if (step.event == HttpRequestParser::Event::MessageComplete) {
                const HttpRequest& r = parser.request();
                MMF_FUZZ_CHECK(r.body.size() <= limits.maxBodyBytes);
                MMF_FUZZ_CHECK(r.headers.size() <= limits.maxHeaderCount);
                QString line = QString::fromLatin1(r.method + ' ' + r.path + '?' + r.query + ' ' + r.body);
                for (const auto& h : r.headers)
                    line += QString::fromLatin1(h.first + ':' + h.second);
                out << line;
            }
        }
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1 || size > 16384)
        return 0;
    const qsizetype piece = 1 + data[0] % 16;
    const char* text = reinterpret_cast<const char*>(data) + 1;
    const qsizetype length = qsizetype(size) - 1;
    const QStringList whole = run(text, length, qMax<qsizetype>(1, length));
    MMF_FUZZ_CHECK(run(text, length, piece) == whole);
    return 0;
}
