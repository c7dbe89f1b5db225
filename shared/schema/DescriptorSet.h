#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QStringList>

#include <memory>

namespace google::protobuf {
class Descriptor;
class DescriptorPool;
class DynamicMessageFactory;
class Message;
namespace util {
class TypeResolver;
}
} // namespace google::protobuf

namespace mmf {

// A model's message types at run time, built from a serialized FileDescriptorSet (made with --include_imports
// --include_source_info, so field comments are kept). Thread-safe for reads once built.
class DescriptorSet
{
public:
    ~DescriptorSet();

    // Builds a standalone pool from the set, dependencies first (files may come in any order). Errors (not a
    // FileDescriptorSet, over 16 MiB, missing dependency, import cycle, duplicate symbol) are
    // invalid_argument naming the file. A missing google/protobuf/*.proto dependency is taken from the
    // compiled-in copy.
    static Result<std::shared_ptr<const DescriptorSet>> fromSerialized(const QByteArray& fileDescriptorSet);
    // The project's own protos, embedded at build time (:/mmf/descriptors.pb), comments included. Built once
    // on first use; nullptr (logged) only if the embedded resource is missing or broken.
    static std::shared_ptr<const DescriptorSet> builtin();

    // nullptr when the set has no such message.
    const google::protobuf::Descriptor* findMessage(QStringView fullName) const;
    // An empty message of that type, for parsing (owned by the set); nullptr for a type of another set.
    const google::protobuf::Message* prototype(const google::protobuf::Descriptor* type) const;

    // The set as given.
    const QByteArray& serialized() const { return m_serialized; }
    // A smaller FileDescriptorSet with just the files that define `typeNames` and their dependencies, in
    // dependency order, source info kept. invalid_argument naming a type (message or enum) the set lacks.
    Result<QByteArray> subsetFor(const QStringList& typeNames) const;
    // Hex SHA-256 over the files with source_code_info cleared, serialized deterministically: stable across
    // comment edits, so editing a comment is not a conflict. Files are hashed in a canonical dependency order
    // (independent of the order in the set) and options as protoc wrote them, so the hash does not depend on
    // which option extensions a binary links.
    QByteArray canonicalHash() const;

    const google::protobuf::DescriptorPool* pool() const;
    // Resolves "type.googleapis.com/<full name>" against pool() for protobuf's JSON converter; caches what it
    // resolved. Thread-safe.
    google::protobuf::util::TypeResolver* typeResolver() const;

private:
    DescriptorSet();
    struct Private;
    std::unique_ptr<Private> d;
    QByteArray m_serialized;
};

} // namespace mmf
