#pragma once

#include "core/FormModel.h"

#include <QHash>
#include <QJsonObject>
#include <QWidget>

#include <functional>

class QLabel;
class QPushButton;
class QPlainTextEdit;
class QScrollArea;
class QTabWidget;

namespace mmf::studio {

// A task's outcome, rendered from the response descriptor and its (mmf.ui) hints: images as pictures, numbers
// as numbers with units, a repeated number with BAR_CHART as a bar chart (labels from the hint), messages as
// groups, maps as tables, secrets masked, a repeated number with GRID as a picture of its cells; a JSON tab
// shows the raw result. Value widgets are named "result_<path>", charts "chart_<path>", images "image_<path>"
// (with "saveImage_<path>" and "enlargeImage_<path>" buttons), grids "grid_<path>". Every text follows a
// language switch.
class ResultView : public QWidget
{
    Q_OBJECT
public:
    explicit ResultView(QWidget* parent = nullptr);

    void setResponseType(std::vector<FormField> fields);
    void showResult(const QJsonObject& result);
    // A failed, cancelled or dead-lettered task: the error's code and message.
    void showError(const QString& status, const QJsonObject& error);
    // A task not finished yet; `text` is asked again after a language switch.
    void showPending(std::function<QString()> text);
    void clear();

    QJsonObject result() const { return m_result; }
    bool hasResult() const { return m_hasResult; }
    QString statusText() const;
    // The text of the result pane's body when it holds no rendered result (empty state or failure).
    QString bodyText() const;
    // Writes the result as indented JSON; false (with `error`) when it cannot be written.
    bool saveResult(const QString& fileName, QString* error = nullptr) const;
    // Writes the bytes of a bytes field of the result (path as the widgets name it, e.g. "image").
    bool saveBytes(const QString& path, const QString& fileName, QString* error = nullptr) const;
    // Opens a window with the picture of a bytes field at a larger size (up to the screen).
    QWidget* enlargeImage(const QString& path);

protected:
    void changeEvent(QEvent* event) override;

private:
    enum class State
    {
        Empty,
        Pending,
        Result,
        Error,
    };
    void setBody(QWidget* body);
    void showStatus();
    QWidget* imageWidget(const QImage& image, qsizetype bytes, QWidget* host, const QString& path);
    void render(const std::vector<FormField>& fields, const QJsonObject& object, QWidget* host,
                const QString& prefix);
    QWidget* renderValue(const FormField& field, const QJsonValue& value, QWidget* host, const QString& path);

    std::vector<FormField> m_fields;
    QJsonObject m_result;
    bool m_hasResult = false;
    State m_state = State::Empty;
    std::function<QString()> m_pendingText;
    QString m_errorStatus;
    QJsonObject m_error;
    QHash<QString, QByteArray> m_bytes; // bytes fields of the result by path
    QLabel* m_bodyLabel = nullptr;
    QPushButton* m_save = nullptr;
    QLabel* m_status = nullptr;
    QTabWidget* m_tabs = nullptr;
    QScrollArea* m_scroll = nullptr;
    QPlainTextEdit* m_json = nullptr;
};

} // namespace mmf::studio
