#pragma once

#include "core/FormModel.h"

#include <QJsonObject>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QScrollArea;
class QTabWidget;

namespace mmf::studio {

// A task's outcome, rendered from the response descriptor and its (mmf.ui) hints: images as pictures, numbers
// as numbers with units, a repeated number with BAR_CHART as a bar chart (labels from the hint), messages as
// groups, maps as tables, secrets masked; a JSON tab shows the raw result. Value widgets are named
// "result_<path>", charts "chart_<path>", images "image_<path>".
class ResultView : public QWidget
{
    Q_OBJECT
public:
    explicit ResultView(QWidget* parent = nullptr);

    void setResponseType(std::vector<FormField> fields);
    void showResult(const QJsonObject& result);
    // A failed, cancelled or dead-lettered task: the error's code and message.
    void showError(const QString& status, const QJsonObject& error);
    void showPending(const QString& text);
    void clear();

    QJsonObject result() const { return m_result; }
    bool hasResult() const { return m_hasResult; }
    QString statusText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void render(const std::vector<FormField>& fields, const QJsonObject& object, QWidget* host,
                const QString& prefix);
    QWidget* renderValue(const FormField& field, const QJsonValue& value, QWidget* host, const QString& path);

    std::vector<FormField> m_fields;
    QJsonObject m_result;
    bool m_hasResult = false;
    QLabel* m_status = nullptr;
    QTabWidget* m_tabs = nullptr;
    QScrollArea* m_scroll = nullptr;
    QPlainTextEdit* m_json = nullptr;
};

} // namespace mmf::studio
