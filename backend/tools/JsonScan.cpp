#include "tools/JsonScan.h"

namespace mmf {

namespace {

class Scanner
{
public:
    explicit Scanner(QByteArrayView text)
        : m_text(text)
    {}

    void skipSpace()
    {
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text[m_pos]; }
    bool consume(char c)
    {
        skipSpace();
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }

    // At an opening quote: the raw content between the quotes (escapes left in), and whether it has escapes.
    bool rawString(QByteArrayView& raw, bool& escaped)
    {
        if (peek() != '"')
            return false;
        const qsizetype start = ++m_pos;
        escaped = false;
        while (m_pos < m_text.size()) {
            const char c = m_text[m_pos];
            if (c == '\\') {
                escaped = true;
                m_pos += 2;
                continue;
            }
            if (c == '"') {
                raw = m_text.sliced(start, m_pos - start);
                ++m_pos;
                return true;
            }
            ++m_pos;
        }
        return false;
    }

    // Skips any JSON value (not validated in depth: the server's JSON is trusted to be well formed).
    bool skipValue()
    {
        skipSpace();
        const char c = peek();
        if (c == '"') {
            QByteArrayView raw;
            bool escaped = false;
            return rawString(raw, escaped);
        }
        if (c == '{' || c == '[') {
            int depth = 0;
            while (!atEnd()) {
                const char d = peek();
                if (d == '"') {
                    QByteArrayView raw;
                    bool escaped = false;
                    if (!rawString(raw, escaped))
                        return false;
                    continue;
                }
                ++m_pos;
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return true;
            }
            return false;
        }
        // number, true, false, null
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const char d = peek();
            if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\n' || d == '\r' || d == '\t')
                break;
            ++m_pos;
        }
        return m_pos > start;
    }

private:
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

void appendUtf8(QByteArray& out, uint code)
{
    if (code < 0x80) {
        out.append(char(code));
    } else if (code < 0x800) {
        out.append(char(0xC0 | (code >> 6)));
        out.append(char(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.append(char(0xE0 | (code >> 12)));
        out.append(char(0x80 | ((code >> 6) & 0x3F)));
        out.append(char(0x80 | (code & 0x3F)));
    } else {
        out.append(char(0xF0 | (code >> 18)));
        out.append(char(0x80 | ((code >> 12) & 0x3F)));
        out.append(char(0x80 | ((code >> 6) & 0x3F)));
        out.append(char(0x80 | (code & 0x3F)));
    }
}

QByteArray unescape(QByteArrayView raw)
{
    QByteArray out;
    out.reserve(raw.size());
    for (qsizetype i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (c != '\\' || i + 1 >= raw.size()) {
            out.append(c);
            continue;
        }
        const char e = raw[++i];
        switch (e) {
        case 'n':
            out.append('\n');
            break;
        case 't':
            out.append('\t');
            break;
        case 'r':
            out.append('\r');
            break;
        case 'b':
            out.append('\b');
            break;
        case 'f':
            out.append('\f');
            break;
        case 'u': {
            if (i + 4 >= raw.size())
                return out;
            bool ok = false;
            uint code = raw.sliced(i + 1, 4).toUInt(&ok, 16);
            i += 4;
            if (code >= 0xD800 && code < 0xDC00 && i + 6 < raw.size() && raw[i + 1] == '\\' &&
                raw[i + 2] == 'u') {
                const uint low = raw.sliced(i + 3, 4).toUInt(&ok, 16);
                if (ok && low >= 0xDC00 && low < 0xE000) {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                    i += 6;
                }
            }
            appendUtf8(out, code);
            break;
        }
        default: // \" \\ \/
            out.append(e);
        }
    }
    return out;
}

} // namespace

bool JsonScan::topLevelStrings(QByteArrayView json, std::initializer_list<QByteArrayView> keys,
                               QByteArray* values)
{
    for (size_t i = 0; i < keys.size(); ++i)
        values[i] = QByteArray();
    Scanner scanner(json);
    if (!scanner.consume('{'))
        return false;
    if (scanner.consume('}'))
        return true;
    while (true) {
        scanner.skipSpace();
        QByteArrayView key;
        bool keyEscaped = false;
        if (!scanner.rawString(key, keyEscaped) || !scanner.consume(':'))
            return false;
        scanner.skipSpace();
        qsizetype wanted = -1;
        qsizetype index = 0;
        for (QByteArrayView candidate : keys) {
            if (candidate == key) {
                wanted = index;
                break;
            }
            ++index;
        }
        if (wanted >= 0 && scanner.peek() == '"') {
            QByteArrayView raw;
            bool escaped = false;
            if (!scanner.rawString(raw, escaped))
                return false;
            values[wanted] = escaped ? unescape(raw) : raw.toByteArray();
        } else if (!scanner.skipValue()) {
            return false;
        }
        if (scanner.consume(','))
            continue;
        return scanner.consume('}');
    }
}

QByteArray JsonScan::topLevelString(QByteArrayView json, QByteArrayView key)
{
    QByteArray value;
    if (!topLevelStrings(json, {key}, &value))
        return {};
    return value;
}

} // namespace mmf
