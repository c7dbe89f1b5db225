// ProtoJson through runtime descriptors (the built-in set, mmf.models.EchoRequest: every scalar type, nested
// messages, lists, a map, a oneof, optional fields, Timestamp), and its fast paths against its protobuf path
// (ProtoJson::*ByProtobuf):
// - the input as JSON: what ProtoJson::jsonToBinary accepts converts back to JSON and again to the same
//   binary; what ProtoJsonParser accepts, protobuf's converter accepts too, with an equal message;
// - the input as binary (EchoRequest and EchoResponse), and every binary above: ProtoJsonPrinter declines, or
//   prints what the slow path prints; it declines whenever the slow path fails.
#include "FuzzCheck.h"
#include "schema/DescriptorSet.h"
#include "schema/ProtoJson.h"
#include "schema/ProtoJsonParser.h"
#include "schema/ProtoJsonPrinter.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/message.h>
#include <google/protobuf/stubs/logging.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

using namespace mmf;
namespace gp = google::protobuf;

namespace {

// The deterministic re-serialization through a DynamicMessage (tells -0.0 from 0.0); nullopt when the bytes
// do not parse or lack required fields.
std::optional<std::string> canonical(const DescriptorSet& set, const gp::Descriptor* type,
                                     QByteArrayView binary)
{
    std::unique_ptr<gp::Message> message(set.prototype(type)->New());
    if (!message->ParsePartialFromArray(binary.data(), int(binary.size())) || !message->IsInitialized())
        return std::nullopt;
    std::string out;
    {
        gp::io::StringOutputStream stream(&out);
        gp::io::CodedOutputStream coded(&stream);
        coded.SetSerializationDeterministic(true);
        message->SerializePartialToCodedStream(&coded);
    }
    return out;
}

void checkPrint(const DescriptorSet& set, const gp::Descriptor* type, QByteArrayView binary)
{
    const std::optional<QByteArray> fast = ProtoJsonPrinter::print(type, binary);
    if (!fast)
        return;
    const Result<QByteArray> slow = ProtoJson::binaryToJsonByProtobuf(set, type, binary);
    MMF_FUZZ_CHECK(slow.ok());
    MMF_FUZZ_CHECK(*fast == *slow);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    static const std::shared_ptr<const DescriptorSet> set = [] {
        gp::SetLogHandler(nullptr); // protobuf logs each invalid string it meets
        return DescriptorSet::builtin();
    }();
    static const gp::Descriptor* type = set->findMessage(u"mmf.models.EchoRequest");
    static const gp::Descriptor* response = set->findMessage(u"mmf.models.EchoResponse");
    MMF_FUZZ_CHECK(type && response);
    if (size > 1 << 20)
        return 0;
    const QByteArrayView input(reinterpret_cast<const char*>(data), qsizetype(size));

    // The input as binary.
    checkPrint(*set, type, input);
    checkPrint(*set, response, input);

    // The input as JSON: the fast parser against protobuf's.
    if (const std::optional<QByteArray> fast = ProtoJsonParser::parse(type, input)) {
        const Result<QByteArray> slow = ProtoJson::jsonToBinaryByProtobuf(*set, type, input);
        MMF_FUZZ_CHECK(slow.ok());
        const std::optional<std::string> fastMessage = canonical(*set, type, *fast);
        MMF_FUZZ_CHECK(fastMessage.has_value());
        MMF_FUZZ_CHECK(fastMessage == canonical(*set, type, *slow));
        checkPrint(*set, type, *fast);
    }

    // ProtoJson (whichever path it takes) round-trips what it accepts.
    const Result<QByteArray> binary = ProtoJson::jsonToBinary(*set, type, input);
    if (!binary)
        return 0;
    checkPrint(*set, type, *binary);
    const Result<QByteArray> json = ProtoJson::binaryToJson(*set, type, *binary);
    MMF_FUZZ_CHECK(json.ok());
    const Result<QByteArray> again = ProtoJson::jsonToBinary(*set, type, *json);
    MMF_FUZZ_CHECK(again.ok());
    checkPrint(*set, type, *again);
    const Result<QByteArray> json2 = ProtoJson::binaryToJson(*set, type, *again);
    MMF_FUZZ_CHECK(json2.ok() && *json2 == *json);
    return 0;
}
