#include "gateway/ModelPatch.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>

namespace mmf {

namespace {

Error bad(const QString& field, const QString& why)
{
    return Error::invalidArgument(QStringLiteral("%1: %2").arg(field, why), field);
}

Result<QString> boundedString(const QJsonValue& value, const QString& field, int maxChars)
{
    if (!value.isString())
        return bad(field, QStringLiteral("must be a string"));
    const QString text = value.toString();
    if (text.size() > maxChars)
        return bad(field, QStringLiteral("is longer than %1 characters").arg(maxChars));
    return text;
}

Result<qint64> boundedInteger(const QJsonValue& value, const QString& field, qint64 min, qint64 max)
{
    const double number = value.toDouble(std::nan(""));
    if (!value.isDouble() || std::isnan(number) || std::floor(number) != number)
        return bad(field, QStringLiteral("must be an integer"));
    if (number < double(min) || number > double(max))
        return bad(field, QStringLiteral("must be between %1 and %2").arg(min).arg(max));
    return qint64(number);
}

} // namespace

Result<ModelPatch> ModelPatch::parse(const QByteArray& body)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError)
        return Error::invalidArgument(QStringLiteral("the body is not JSON: %1").arg(error.errorString()));
    if (!document.isObject())
        return Error::invalidArgument(QStringLiteral("the body must be a JSON object"));
    return fromJson(document.object());
}

Result<ModelPatch> ModelPatch::fromJson(const QJsonObject& body)
{
    ModelPatch patch;
    for (auto it = body.begin(); it != body.end(); ++it) {
        const QString key = it.key();
        const QJsonValue value = it.value();
        if (key == QLatin1String("description") || key == QLatin1String("version") ||
            key == QLatin1String("owner")) {
            const int max = key == QLatin1String("description") ? kMaxDescription
                            : key == QLatin1String("version")   ? kMaxVersion
                                                                : kMaxOwner;
            Result<QString> text = boundedString(value, key, max);
            if (!text)
                return text.error();
            (key == QLatin1String("description") ? patch.description
             : key == QLatin1String("version")   ? patch.version
                                                 : patch.owner) = *text;
        } else if (key == QLatin1String("docs")) {
            if (!value.isString())
                return bad(key, QStringLiteral("must be a string"));
            const QString docs = value.toString();
            if (docs.toUtf8().size() > kMaxDocsBytes)
                return bad(key, QStringLiteral("is larger than 64 KiB"));
            patch.docs = docs;
        } else if (key == QLatin1String("tags")) {
            if (!value.isArray())
                return bad(key, QStringLiteral("must be an array of strings"));
            const QJsonArray array = value.toArray();
            if (array.size() > kMaxTags)
                return bad(key, QStringLiteral("has more than %1 tags").arg(kMaxTags));
            QStringList tags;
            for (qsizetype i = 0; i < array.size(); ++i) {
                const QString field = QStringLiteral("tags[%1]").arg(i);
                if (!array.at(i).isString() || array.at(i).toString().trimmed().isEmpty())
                    return bad(field, QStringLiteral("must be a non-empty string"));
                Result<QString> tag = boundedString(array.at(i), field, kMaxTag);
                if (!tag)
                    return tag.error();
                tags.append(*tag);
            }
            patch.tags = tags;
        } else if (key == QLatin1String("retry")) {
            if (!value.isObject())
                return bad(key, QStringLiteral("must be an object"));
            const QJsonObject retry = value.toObject();
            for (auto r = retry.begin(); r != retry.end(); ++r) {
                const QString field = QStringLiteral("retry.") + r.key();
                if (r.key() == QLatin1String("max_attempts")) {
                    Result<qint64> n = boundedInteger(r.value(), field, 1, kMaxAttempts);
                    if (!n)
                        return n.error();
                    patch.maxAttempts = int(*n);
                } else if (r.key() == QLatin1String("backoff_initial_ms") ||
                           r.key() == QLatin1String("backoff_max_ms")) {
                    Result<qint64> n = boundedInteger(r.value(), field, 0, kMaxBackoffMs);
                    if (!n)
                        return n.error();
                    (r.key() == QLatin1String("backoff_initial_ms") ? patch.backoffInitialMs
                                                                    : patch.backoffMaxMs) = *n;
                } else if (r.key() == QLatin1String("backoff_factor")) {
                    const double factor = r.value().toDouble(std::nan(""));
                    if (!r.value().isDouble() || std::isnan(factor))
                        return bad(field, QStringLiteral("must be a number"));
                    if (factor < 1 || factor > kMaxBackoffFactor)
                        return bad(field, QStringLiteral("must be between 1 and %1").arg(kMaxBackoffFactor));
                    patch.backoffFactor = factor;
                } else {
                    return bad(field, QStringLiteral("is not a retry setting (max_attempts, "
                                                     "backoff_initial_ms, backoff_factor, backoff_max_ms)"));
                }
            }
        } else if (key == QLatin1String("paused")) {
            if (!value.isBool())
                return bad(key, QStringLiteral("must be true or false"));
            patch.paused = value.toBool();
        } else {
            return bad(key, QStringLiteral("is not a model setting (description, version, owner, tags, docs, "
                                           "retry, paused)"));
        }
    }
    return patch;
}

QByteArray ModelPatch::metadataJson() const
{
    QJsonObject out;
    if (description)
        out.insert(QStringLiteral("description"), *description);
    if (version)
        out.insert(QStringLiteral("version"), *version);
    if (owner)
        out.insert(QStringLiteral("owner"), *owner);
    if (tags)
        out.insert(QStringLiteral("tags"), QJsonArray::fromStringList(*tags));
    if (docs)
        out.insert(QStringLiteral("docs"), *docs);
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

QList<QByteArray> ModelPatch::metadataFields() const
{
    QList<QByteArray> out;
    if (description)
        out.append("description");
    if (version)
        out.append("version");
    if (owner)
        out.append("owner");
    if (tags)
        out.append("tags");
    if (docs)
        out.append("docs");
    return out;
}

bool ModelPatch::touchesRetry() const
{
    return maxAttempts || backoffInitialMs || backoffFactor || backoffMaxMs;
}

v1::RetryPolicy ModelPatch::applyRetry(const v1::RetryPolicy& current) const
{
    v1::RetryPolicy out = current;
    if (maxAttempts)
        out.set_max_attempts(uint32_t(*maxAttempts));
    if (backoffInitialMs)
        out.set_backoff_initial_ms(uint32_t(*backoffInitialMs));
    if (backoffFactor)
        out.set_backoff_factor(*backoffFactor);
    if (backoffMaxMs)
        out.set_backoff_max_ms(uint32_t(*backoffMaxMs));
    return out;
}

} // namespace mmf
