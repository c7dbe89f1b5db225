#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace mmf {

// Compact JSON text written straight into one buffer, for the pushes sent once per task event: building a
// QJsonObject, and parsing a result's JSON into one only to print it again, cost the gateway about a tenth of
// its CPU per task (docs/PERFORMANCE.md). Keys and values are appended in call order; commas are placed by
// the writer. Strings are escaped as JSON requires; bytes that are not UTF-8 become U+FFFD, so the text is
// always valid UTF-8.
class JsonTextWriter
{
public:
    explicit JsonTextWriter(qsizetype reserve = 256);

    JsonTextWriter& beginObject();
    JsonTextWriter& endObject();
    JsonTextWriter& key(QByteArrayView name); // a key written as is: a literal without escapes
    JsonTextWriter& string(QByteArrayView utf8);
    JsonTextWriter& number(qint64 value);
    JsonTextWriter& number(double value); // null when not finite, as QJsonDocument writes it
    JsonTextWriter& null();
    JsonTextWriter& raw(QByteArrayView json); // a value that is JSON text already

    const QByteArray& text() const { return m_text; }

private:
    void separate();

    QByteArray m_text;
    bool m_first = true; // no value yet in the innermost object
};

} // namespace mmf
