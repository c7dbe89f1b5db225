#include "worker/ModelDescription.h"

#include "schema/DescriptorSet.h"
#include "worker/Model.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace mmf {

namespace {

// Dependencies first, each file once.
void addFile(const google::protobuf::FileDescriptor* file, QSet<QByteArray>& seen,
             google::protobuf::FileDescriptorSet& set)
{
    const QByteArray name = QByteArray::fromStdString(file->name());
    if (seen.contains(name))
        return;
    seen.insert(name);
    for (int i = 0; i < file->dependency_count(); ++i)
        addFile(file->dependency(i), seen, set);
    file->CopyTo(set.add_file());
}

QByteArray compiledInSet(const google::protobuf::Descriptor* request,
                         const google::protobuf::Descriptor* response)
{
    google::protobuf::FileDescriptorSet set;
    QSet<QByteArray> seen;
    addFile(request->file(), seen, set);
    addFile(response->file(), seen, set);
    QByteArray out(qsizetype(set.ByteSizeLong()), Qt::Uninitialized);
    set.SerializeToArray(out.data(), int(out.size()));
    return out;
}

} // namespace

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
        description.descriptorSet = compiledInSet(request, response);
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
