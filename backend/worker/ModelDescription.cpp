#include "worker/ModelDescription.h"

#include "schema/DescriptorFiles.h"
#include "schema/DescriptorSet.h"
#include "worker/Model.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <QJsonDocument>
#include <QJsonObject>

namespace mmf {

Result<ModelDescription> ModelDescription::of(const ModelBase& model)
{
    const google::protobuf::Descriptor* request = model.requestDescriptor();
    const google::protobuf::Descriptor* response = model.responseDescriptor();
    if (!request || !response)
        return Error::internal(QStringLiteral("the model does not name its request and response types"));

    ModelDescription description;
    description.requestType = QString::fromStdString(request->full_name());
    description.responseType = QString::fromStdString(response->full_name());

    const std::shared_ptr<const DescriptorSet> builtin = DescriptorSet::builtin();
    if (QByteArray own = model.descriptorSet(); !own.isEmpty()) {
        description.descriptorSet = std::move(own);
    } else if (builtin && builtin->findMessage(description.requestType) &&
               builtin->findMessage(description.responseType)) {
        Result<QByteArray> subset = builtin->subsetFor({description.requestType, description.responseType});
        if (!subset)
            return subset.error();
        description.descriptorSet = std::move(subset).value();
    } else {
        description.descriptorSet = DescriptorFiles::collect({request->file(), response->file()}, false);
    }
    return description;
}

QByteArray ModelDescription::toJson(const QString& modelName) const
{
    QJsonObject object;
    if (!modelName.isEmpty())
        object.insert(QStringLiteral("model"), modelName);
    object.insert(QStringLiteral("request_type"), requestType);
    object.insert(QStringLiteral("response_type"), responseType);
    object.insert(QStringLiteral("descriptor_set"), QString::fromLatin1(descriptorSet.toBase64()));
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace mmf
