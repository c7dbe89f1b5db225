#include "core/ModelSchema.h"

#include "schema/DescriptorSet.h"

namespace mmf::studio {

Result<std::shared_ptr<const ModelSchema>> ModelSchema::fromJson(const QJsonObject& model)
{
    const QByteArray encoded = model.value(QLatin1String("descriptor_set")).toString().toLatin1();
    if (encoded.isEmpty())
        return Error::invalidArgument(QStringLiteral("the model has no descriptor set"),
                                      QStringLiteral("descriptor_set"));
    const auto decoded = QByteArray::fromBase64Encoding(encoded);
    if (!decoded)
        return Error::invalidArgument(QStringLiteral("descriptor_set is not base64"),
                                      QStringLiteral("descriptor_set"));
    auto set = DescriptorSet::fromSerialized(*decoded);
    if (!set)
        return set.error();
    auto schema = std::shared_ptr<ModelSchema>(new ModelSchema);
    schema->m_json = model;
    schema->m_descriptors = std::move(set.value());
    const QString requestType = model.value(QLatin1String("request_type")).toString();
    const QString responseType = model.value(QLatin1String("response_type")).toString();
    schema->m_request = schema->m_descriptors->findMessage(requestType);
    schema->m_response = schema->m_descriptors->findMessage(responseType);
    if (!schema->m_request)
        return Error::invalidArgument(QStringLiteral("the descriptor set lacks %1").arg(requestType),
                                      QStringLiteral("request_type"));
    if (!schema->m_response)
        return Error::invalidArgument(QStringLiteral("the descriptor set lacks %1").arg(responseType),
                                      QStringLiteral("response_type"));
    return std::shared_ptr<const ModelSchema>(std::move(schema));
}

void ModelSchema::fetch(
    ApiClient& api, const QString& name, QObject* context,
    std::function<void(Result<std::shared_ptr<const ModelSchema>>, const ApiResult&)> done)
{
    api.get(QStringLiteral("/api/v1/models/") + QString::fromLatin1(QUrl::toPercentEncoding(name)), context,
            [done = std::move(done)](const ApiResult& result) {
                if (!result.ok()) {
                    done(*result.error, result);
                    return;
                }
                done(fromJson(result.json), result);
            });
}

} // namespace mmf::studio
