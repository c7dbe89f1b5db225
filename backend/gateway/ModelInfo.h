#pragma once

#include "mmf/v1/registry.pb.h"

#include <QByteArray>

#include <memory>

namespace google::protobuf {
class Descriptor;
}

namespace mmf {

class DescriptorSet;

// What the gateway knows about one model: its message types (to validate requests and render results), its
// project and catalogue fields. Immutable once published; a change makes a new ModelInfo.
struct ModelInfo
{
    QByteArray name;
    QByteArray project;
    QByteArray requestType;
    QByteArray responseType;
    QByteArray descriptorHash;
    std::shared_ptr<const DescriptorSet> descriptors;
    const google::protobuf::Descriptor* request = nullptr;
    const google::protobuf::Descriptor* response = nullptr;
    v1::ModelMetadata metadata;
    v1::RetryPolicy retry;
    bool paused = false; // the admin paused the queue: tasks are accepted, no instance starts one
    qint64 createdAtMs = 0;
    qint64 lastSeenAtMs = 0; // registration or last answered ping of an instance (0: unknown)
};
using ModelInfoPtr = std::shared_ptr<const ModelInfo>;

// Figures that change all the time, refreshed by the catalogue.
struct ModelStats
{
    int instances = 0;
    int taskSlots = 0;     // tasks the instances can run at once: the sum of their --concurrency
    qint64 queueDepth = 0; // queued or running: stream entries + tasks held while paused
    qint64 pending = 0;    // delivered, not acknowledged (running)
    qint64 delayed = 0;    // waiting for a retry
};

} // namespace mmf
