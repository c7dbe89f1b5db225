#pragma once

#include "gui/editors/ValueEditor.h"

#include <QByteArray>

class QLabel;

namespace mmf::studio {

// Bytes from a file (at most 32 MiB), with a preview when they hold a picture. The preview, the file's
// description and the buttons sit together at the top of the row ("preview_<path>", "info_<path>",
// "choose_<path>", "clear_<path>").
class BytesValueEditor : public ValueEditor
{
    Q_OBJECT
public:
    BytesValueEditor(const FormField& field, const QString& path, EditorIndex& index, QWidget* parent);
    Result<QJsonValue> value() const override;
    void setValue(const QJsonValue& value) override;
    void loadFile(const QString& fileName);

private:
    void setData(const QByteArray& data, const QString& name);

    QByteArray m_data;
    QLabel* m_preview = nullptr;
    QLabel* m_info = nullptr;
};

} // namespace mmf::studio
