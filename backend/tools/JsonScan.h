#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <initializer_list>

namespace mmf {

// Reads string members at the top level of a JSON object without building a document: the benchmark's hot
// path (one WebSocket push or submit answer per task). Nested objects, arrays and strings are skipped
// properly, so a "status" inside "result" is never taken for the push's own.
class JsonScan
{
public:
    // Fills values[i] with the unescaped string value of top-level member keys[i]; a key that is absent or
    // not a string leaves a null QByteArray. False when the text is not a well-formed JSON object at the top
    // level.
    static bool topLevelStrings(QByteArrayView json, std::initializer_list<QByteArrayView> keys,
                                QByteArray* values);
    static QByteArray topLevelString(QByteArrayView json, QByteArrayView key);
};

} // namespace mmf
