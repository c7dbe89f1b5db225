#include "schema/CachingTypeResolver.h"

#include <google/protobuf/util/type_resolver_util.h>

#include <mutex>

namespace mmf {

namespace {
constexpr const char* kUrlPrefix = "type.googleapis.com";

template<class Map, class T, class Resolve>
google::protobuf::util::Status lookup(std::shared_mutex& mutex, Map& cache, const std::string& url, T* out,
                                      Resolve&& resolve)
{
    {
        std::shared_lock lock(mutex);
        auto it = cache.find(url);
        if (it != cache.end()) {
            *out = it->second;
            return {};
        }
    }
    auto status = resolve();
    if (status.ok()) {
        std::unique_lock lock(mutex);
        cache.emplace(url, *out);
    }
    return status;
}
} // namespace

CachingTypeResolver::CachingTypeResolver(const google::protobuf::DescriptorPool* pool)
    : m_inner(google::protobuf::util::NewTypeResolverForDescriptorPool(kUrlPrefix, pool))
{}

CachingTypeResolver::~CachingTypeResolver() = default;

google::protobuf::util::Status CachingTypeResolver::ResolveMessageType(const std::string& typeUrl,
                                                                       google::protobuf::Type* type)
{
    return lookup(m_mutex, m_types, typeUrl, type,
                  [&] { return m_inner->ResolveMessageType(typeUrl, type); });
}

google::protobuf::util::Status CachingTypeResolver::ResolveEnumType(const std::string& typeUrl,
                                                                    google::protobuf::Enum* enumType)
{
    return lookup(m_mutex, m_enums, typeUrl, enumType,
                  [&] { return m_inner->ResolveEnumType(typeUrl, enumType); });
}

std::string CachingTypeResolver::typeUrl(const std::string& fullName)
{
    std::string url;
    url.reserve(sizeof("type.googleapis.com/") + fullName.size());
    url.append(kUrlPrefix).append("/").append(fullName);
    return url;
}

} // namespace mmf
