#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QString>

namespace mmf {

class ModelBase;

// A model's message types and the FileDescriptorSet that defines them, as registration, `--describe` and
// GET /descriptors present them.
struct ModelDescription
{
    QString requestType; // full names, e.g. "mmf.models.EchoRequest"
    QString responseType;
    QByteArray descriptorSet; // serialized FileDescriptorSet, dependencies first

    // Takes the model's own set when it has one (ModelBase::descriptorSet()); else the subset of the
    // project's embedded set (which keeps field comments); for types the embedded set does not hold (an
    // author's own protos) falls back to the compiled-in descriptors, which carry no comments.
    static Result<ModelDescription> of(const ModelBase& model);

    // {"model"?, "request_type", "response_type", "descriptor_set" (base64)}; "model" is left out when empty.
    QByteArray toJson(const QString& modelName = {}) const;
};

} // namespace mmf
