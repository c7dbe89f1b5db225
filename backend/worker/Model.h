#pragma once

#include "worker/TaskContext.h"
#include "worker/TaskError.h"

#include "mmf/v1/registry.pb.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>

#include <QByteArray>
#include <QMap>
#include <QString>

#include <variant>

namespace mmf {

// The untyped face of a model that the runtime drives. Authors derive from Model<Request, Response> below.
class ModelBase
{
public:
    virtual ~ModelBase() = default;

    virtual const google::protobuf::Descriptor* requestDescriptor() const = 0;
    virtual const google::protobuf::Descriptor* responseDescriptor() const = 0;
    // Catalogue fields sent at registration.
    virtual v1::ModelMetadata metadata() const { return {}; }
    // Options from `mmf-worker --option key=value` (run-time settings, e.g. arith's per-operation durations).
    // Returns an error message for an unknown key or a bad value, else an empty string.
    virtual QString configure(const QMap<QString, QString>& options)
    {
        return options.isEmpty() ? QString() : QStringLiteral("this model takes no options");
    }

    // A serialized FileDescriptorSet defining the two types, for a model whose types are built at run time
    // (e.g. compiled from a .proto at start); registration sends it as is, so its comments and options must
    // be in it. Empty (the default): the runtime finds the types in the project's embedded set or the
    // compiled-in descriptors.
    virtual QByteArray descriptorSet() const { return {}; }
    // Empty while the model is healthy; else what is wrong (e.g. its process keeps exiting), reported in the
    // instance's status. Called from the event loop thread: must not block.
    virtual QString problem() const { return {}; }

    // Decodes the request, runs the model, encodes the response. Throws when the model throws.
    virtual Outcome<QByteArray> processBytes(const QByteArray& request, TaskContext& context) = 0;

    // Whether this request may run inline on the runtime's event-loop thread, as soon as it is read, instead
    // of on a worker thread: two thread hand-overs (a wake-up each) fewer per task, for a run of microseconds
    // that never blocks — no sleepFor(), no waiting on a call (a call from an inline run fails at once). Logs
    // and progress work as usual. Runs seen blocking or computing past a budget (1 ms) send every later task
    // to the worker threads, with a warning in the log. Called on the event-loop thread: decide quickly.
    // Default: never.
    virtual bool runsInline(const QByteArray& request) const
    {
        Q_UNUSED(request);
        return false;
    }
};

// A model: one request type, one response type, one method. process() runs on a worker thread and may block;
// return the response, or a TaskError to fail the task at once. Throwing fails this attempt only (retried).
template<class Request, class Response> class Model : public ModelBase
{
public:
    virtual Outcome<Response> process(const Request& request, TaskContext& context) = 0;

    const google::protobuf::Descriptor* requestDescriptor() const override { return Request::descriptor(); }
    const google::protobuf::Descriptor* responseDescriptor() const override { return Response::descriptor(); }

    Outcome<QByteArray> processBytes(const QByteArray& bytes, TaskContext& context) override
    {
        Request request;
        if (!request.ParseFromArray(bytes.constData(), int(bytes.size())))
            return TaskError{QStringLiteral("invalid_argument"),
                             QStringLiteral("the request is not a valid %1")
                                 .arg(QString::fromStdString(Request::descriptor()->full_name()))};
        Outcome<Response> outcome = process(request, context);
        if (auto* error = std::get_if<TaskError>(&outcome))
            return *error;
        const Response& response = std::get<Response>(outcome);
        QByteArray out(qsizetype(response.ByteSizeLong()), Qt::Uninitialized);
        response.SerializeToArray(out.data(), int(out.size()));
        return out;
    }
};

} // namespace mmf
