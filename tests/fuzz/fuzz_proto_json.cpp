// ProtoJson::jsonToBinary through runtime descriptors (the built-in set, mmf.models.EchoRequest: every scalar
// type, nested messages, lists, a map, a oneof, optional fields, Timestamp). Whatever it accepts must convert
// back to JSON and again to the same binary.
#include "FuzzCheck.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"

#include <google/protobuf/descriptor.h>

#include <cstddef>
#include <cstdint>

using namespace mmf;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const std::shared_ptr<const DescriptorSet> set = DescriptorSet::builtin();
    static const google::protobuf::Descriptor* type = set->findMessage(u"mmf.models.EchoRequest");
    MMF_FUZZ_CHECK(type);
    if (size > 1 << 20)
        return 0;
    const Result<QByteArray> binary = ProtoJson::jsonToBinary(
        *set, type, QByteArrayView(reinterpret_cast<const char*>(data), qsizetype(size)));
    if (!binary)
        return 0;
    const Result<QByteArray> json = ProtoJson::binaryToJson(*set, type, *binary);
    MMF_FUZZ_CHECK(json.ok());
    const Result<QByteArray> again = ProtoJson::jsonToBinary(*set, type, *json);
    MMF_FUZZ_CHECK(again.ok());
    const Result<QByteArray> json2 = ProtoJson::binaryToJson(*set, type, *again);
    MMF_FUZZ_CHECK(json2.ok() && *json2 == *json);
    return 0;
}
