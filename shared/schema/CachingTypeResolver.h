#pragma once

#include <google/protobuf/type.pb.h>
#include <google/protobuf/util/type_resolver.h>

#include <memory>
#include <shared_mutex>
#include <string>
#include <unordered_map>

namespace google::protobuf {
class DescriptorPool;
}

namespace mmf {

// A TypeResolver over a descriptor pool that remembers what it resolved. protobuf's JSON converter resolves
// every type of a message on each call (converting descriptors to google.protobuf.Type); caching cuts ~15-25%
// off a conversion. Thread-safe; the pool must outlive it. Failed look-ups are not cached, so hostile type
// URLs (e.g. in an Any) cannot grow it.
class CachingTypeResolver final : public google::protobuf::util::TypeResolver
{
public:
    explicit CachingTypeResolver(const google::protobuf::DescriptorPool* pool);
    ~CachingTypeResolver() override;

    google::protobuf::util::Status ResolveMessageType(const std::string& typeUrl,
                                                      google::protobuf::Type* type) override;
    google::protobuf::util::Status ResolveEnumType(const std::string& typeUrl,
                                                   google::protobuf::Enum* enumType) override;

    // "type.googleapis.com/" + full name: the URL prefix this resolver answers to.
    static std::string typeUrl(const std::string& fullName);

private:
    std::unique_ptr<google::protobuf::util::TypeResolver> m_inner;
    std::shared_mutex m_mutex;
    std::unordered_map<std::string, google::protobuf::Type> m_types;
    std::unordered_map<std::string, google::protobuf::Enum> m_enums;
};

} // namespace mmf
