#pragma once

#include "core/ApiClient.h"
#include "core/Result.h"

#include <QJsonObject>

#include <memory>

namespace google::protobuf {
class Descriptor;
}

namespace mmf {
class DescriptorSet;
}

namespace mmf::studio {

// One model's message types, from GET /api/v1/models/{name} (its base64 descriptor_set and request_type /
// response_type). Immutable once built; share it.
class ModelSchema
{
public:
    // invalid_argument when the answer lacks a descriptor set or the set lacks the named types.
    static Result<std::shared_ptr<const ModelSchema>> fromJson(const QJsonObject& model);
    // GETs the model and builds its schema; `done` is called once, on the event loop, unless `context` died.
    static void fetch(ApiClient& api, const QString& name, QObject* context,
                      std::function<void(Result<std::shared_ptr<const ModelSchema>>, const ApiResult&)> done);

    QString name() const { return m_json.value(QLatin1String("name")).toString(); }
    const QJsonObject& json() const { return m_json; }
    const DescriptorSet& descriptors() const { return *m_descriptors; }
    std::shared_ptr<const DescriptorSet> descriptorSet() const { return m_descriptors; }
    const google::protobuf::Descriptor* request() const { return m_request; }
    const google::protobuf::Descriptor* response() const { return m_response; }

private:
    QJsonObject m_json;
    std::shared_ptr<const DescriptorSet> m_descriptors;
    const google::protobuf::Descriptor* m_request = nullptr;
    const google::protobuf::Descriptor* m_response = nullptr;
};

} // namespace mmf::studio
