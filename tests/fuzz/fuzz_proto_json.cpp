// ProtoJson through runtime descriptors (the built-in set, mmf.models.EchoRequest: every scalar type, nested
// messages, lists, a map, a oneof, optional fields, Timestamp), and its fast paths against protobuf's
// converters called as ProtoJson's slow paths call them:
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
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/type_resolver.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

using namespace mmf;
namespace gp = google::protobuf;

namespace {

std::string typeUrl(const gp::Descriptor* type)
{
    return "type.googleapis.com/" + type->full_name();
}

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

// ProtoJson::binaryToJson's slow path.
std::optional<std::string> slowPrint(const DescriptorSet& set, const gp::Descriptor* type,
                                     QByteArrayView binary)
{
    const std::optional<std::string> reserialized = canonical(set, type, binary);
    if (!reserialized)
        return std::nullopt;
    gp::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    std::string json;
    if (!gp::util::BinaryToJsonString(set.typeResolver(), typeUrl(type), *reserialized, &json, options).ok())
        return std::nullopt;
    return json;
}

bool isNumberChar(char c)
{
    return (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
}

// ProtoJson::jsonToBinary's slow path for what the fast parser accepts: a bare -0 (not 1e-0) becomes -0.0
// (its other checks refuse only input the fast parser declines).
std::optional<std::string> slowParse(const DescriptorSet& set, const gp::Descriptor* type,
                                     QByteArrayView json)
{
    std::string patched;
    for (qsizetype i = 0; i < json.size(); ++i) {
        const char c = json[i];
        patched += c;
        if (c == '"') {
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                patched += json[i];
                if (json[i] == '\\' && i + 1 < json.size())
                    patched += json[++i];
            }
            if (i < json.size())
                patched += '"';
        } else if (c == '-' && i + 1 < json.size() && json[i + 1] == '0' &&
                   (i + 2 == json.size() || !isNumberChar(json[i + 2])) &&
                   (i == 0 || (json[i - 1] != 'e' && json[i - 1] != 'E'))) {
            patched += "0.0";
            ++i;
        }
    }
    std::string binary;
    if (!gp::util::JsonToBinaryString(set.typeResolver(), typeUrl(type), patched, &binary,
                                      gp::util::JsonParseOptions())
             .ok())
        return std::nullopt;
    return binary;
}

void checkPrint(const DescriptorSet& set, const gp::Descriptor* type, QByteArrayView binary)
{
    const std::optional<QByteArray> fast = ProtoJsonPrinter::print(type, binary);
    if (!fast)
        return;
    const std::optional<std::string> slow = slowPrint(set, type, binary);
    MMF_FUZZ_CHECK(slow.has_value());
    MMF_FUZZ_CHECK(fast->toStdString() == *slow);
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
        const std::optional<std::string> slow = slowParse(*set, type, input);
        MMF_FUZZ_CHECK(slow.has_value());
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
