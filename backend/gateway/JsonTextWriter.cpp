#include "gateway/JsonTextWriter.h"

#include <QLocale>

#include <cmath>

namespace mmf {

JsonTextWriter::JsonTextWriter(qsizetype reserve)
{
    m_text.reserve(reserve);
}

void JsonTextWriter::separate()
{
    if (!m_first)
        m_text.append(',');
    m_first = false;
}

JsonTextWriter& JsonTextWriter::beginObject()
{
    m_text.append('{');
    m_first = true;
    return *this;
}

JsonTextWriter& JsonTextWriter::endObject()
{
    m_text.append('}');
    m_first = false;
    return *this;
}

JsonTextWriter& JsonTextWriter::key(QByteArrayView name)
{
    separate();
    m_text.append('"').append(name).append("\":");
    m_first = true; // the value that follows takes no comma
    return *this;
}

JsonTextWriter& JsonTextWriter::string(QByteArrayView utf8)
{
    separate();
    // Model-written fields (error texts, instance names) may hold any bytes: the text stays valid UTF-8.
    QByteArray repaired;
    if (!utf8.isValidUtf8()) {
        repaired = QString::fromUtf8(utf8).toUtf8();
        utf8 = repaired;
    }
    static const char kHex[] = "0123456789abcdef";
    m_text.append('"');
    qsizetype plain = 0; // start of the run of bytes that need no escape
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const unsigned char c = static_cast<unsigned char>(utf8[i]);
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        m_text.append(utf8.sliced(plain, i - plain));
        plain = i + 1;
        switch (c) {
        case '"':
            m_text.append("\\\"");
            break;
        case '\\':
            m_text.append("\\\\");
            break;
        case '\b':
            m_text.append("\\b");
            break;
        case '\f':
            m_text.append("\\f");
            break;
        case '\n':
            m_text.append("\\n");
            break;
        case '\r':
            m_text.append("\\r");
            break;
        case '\t':
            m_text.append("\\t");
            break;
        default: {
            const char escape[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
            m_text.append(escape, sizeof escape);
        }
        }
    }
    m_text.append(utf8.sliced(plain)).append('"');
    return *this;
}

JsonTextWriter& JsonTextWriter::number(qint64 value)
{
    separate();
    m_text.append(QByteArray::number(value));
    return *this;
}

JsonTextWriter& JsonTextWriter::number(double value)
{
    separate();
    if (!std::isfinite(value))
        m_text.append("null");
    else
        m_text.append(QByteArray::number(value, 'g', QLocale::FloatingPointShortest));
    return *this;
}

JsonTextWriter& JsonTextWriter::null()
{
    separate();
    m_text.append("null");
    return *this;
}

JsonTextWriter& JsonTextWriter::raw(QByteArrayView json)
{
    separate();
    m_text.append(json);
    return *this;
}

} // namespace mmf
