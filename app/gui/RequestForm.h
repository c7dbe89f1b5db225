#pragma once

#include "core/FormModel.h"
#include "core/Result.h"
#include "gui/editors/EditorIndex.h"

#include <QJsonObject>
#include <QWidget>

namespace mmf::studio {

class MessageValueEditor;

// An editor for one request message, built at run time from its descriptor (FormModel::describe): every
// scalar kind with its own editor and range, enums as combo boxes, messages as groups, repeated fields and
// maps with add/remove, a oneof as a choice, optional fields that may be left as None, bytes from a file with
// an image preview, Timestamp as a date-time editor, a GRID list as a table of cells; field comments become
// help text. Inputs are named "field_<path>" (e.g. field_delay_ms, field_point.x, field_tags[0],
// field_counts[0].key) and add buttons "add_<path>"; the form finds them through its EditorIndex. Invalid
// text is flagged on the spot (tinted, tooltip) and by value().
class RequestForm : public QWidget
{
    Q_OBJECT
public:
    explicit RequestForm(QWidget* parent = nullptr);

    void setMessage(std::vector<FormField> fields);
    // The request as protobuf JSON; the first invalid field's error (Error::field = its path) otherwise, with
    // every invalid editor flagged.
    Result<QJsonObject> value() const;
    // Fills the editors from protobuf JSON (unknown keys ignored); clear() empties them.
    void setValue(const QJsonObject& json);
    void clear();
    // Flags the editor of a path (e.g. from a server error); false when there is none.
    bool flagField(const QString& path, const QString& message);
    QStringList invalidPaths() const;
    // The input that edits a path (nullptr when there is none).
    QWidget* editorWidget(const QString& path) const { return m_index.input(path); }
    bool isEmpty() const { return m_fields.empty(); }
    // A field's "Dictionary" link was followed (the path as the editors name it, e.g. "point.x").
    void showHelp(const QString& path) { emit helpRequested(path); }

signals:
    void edited();
    void helpRequested(const QString& path);

protected:
    // The editors' own texts (placeholders, "Set", "local time", …) follow a language switch: the form is
    // rebuilt with the values it holds. A form holding invalid text keeps its editors (and that text).
    void changeEvent(QEvent* event) override;

private:
    std::vector<FormField> m_fields;
    EditorIndex m_index;
    MessageValueEditor* m_root = nullptr;
    QWidget* m_body = nullptr;
};

} // namespace mmf::studio
