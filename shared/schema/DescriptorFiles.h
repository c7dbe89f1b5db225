#pragma once

#include <QByteArray>
#include <QList>

namespace google::protobuf {
class FileDescriptor;
}

namespace mmf::DescriptorFiles {

// A serialized FileDescriptorSet of `files` and everything they import, dependencies first, each file once;
// with `sourceInfo`, comments too (a pool built from a parsed .proto has them, compiled-in descriptors not).
QByteArray collect(const QList<const google::protobuf::FileDescriptor*>& files, bool sourceInfo);

} // namespace mmf::DescriptorFiles
