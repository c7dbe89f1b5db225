#include "schema/DescriptorFiles.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/descriptor.pb.h>

#include <string>
#include <unordered_set>

namespace gp = google::protobuf;

namespace mmf {

namespace {

void addWithDependencies(const gp::FileDescriptor* file, bool sourceInfo,
                         std::unordered_set<std::string>& seen, gp::FileDescriptorSet& set)
{
    if (!seen.insert(file->name()).second)
        return;
    for (int i = 0; i < file->dependency_count(); ++i)
        addWithDependencies(file->dependency(i), sourceInfo, seen, set);
    gp::FileDescriptorProto* proto = set.add_file();
    file->CopyTo(proto);
    if (sourceInfo)
        file->CopySourceCodeInfoTo(proto);
}

} // namespace

QByteArray DescriptorFiles::collect(const QList<const gp::FileDescriptor*>& files, bool sourceInfo)
{
    gp::FileDescriptorSet set;
    std::unordered_set<std::string> seen;
    for (const gp::FileDescriptor* file : files)
        addWithDependencies(file, sourceInfo, seen, set);
    return QByteArray::fromStdString(set.SerializeAsString());
}

} // namespace mmf
