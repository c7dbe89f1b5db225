#pragma once

#include "core/ModelSchema.h"

#include <QJsonObject>
#include <QTimer>
#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;
class QScrollArea;
class QStackedWidget;
class QTabWidget;
class QToolButton;

namespace mmf::studio {

struct StudioContext;
class LogView;
class ModelListModel;
class RequestForm;
class ResultView;
class TaskListModel;

// Submit a task: pick a model, fill the form generated from its request descriptor (or paste JSON), validate,
// send; then follow the task's live log and status, see its result rendered from the response descriptor, and
// cancel it while it runs. Falls back to polling while the WebSocket is down.
class SubmitPage : public QWidget
{
    Q_OBJECT
public:
    SubmitPage(StudioContext& context, ModelListModel& models, TaskListModel& tasks,
               QWidget* parent = nullptr);

    void selectModel(const QString& name);
    QString currentModel() const;
    // Selects the model and fills the form with a request (a resubmit from the history).
    void loadRequest(const QString& model, const QJsonObject& request);
    QString currentTaskId() const { return m_taskId; }
    bool isSchemaLoaded() const { return m_schema != nullptr; }

    RequestForm* form() const { return m_form; }
    LogView* logView() const { return m_log; }
    ResultView* resultView() const { return m_result; }

public slots:
    void submit();
    void cancelTask();

protected:
    void changeEvent(QEvent* event) override;

signals:
    void schemaLoaded(const QString& model);
    void taskSubmitted(const QString& taskId);
    void taskFinished(const QString& taskId, const QString& status);
    // The form's help link of a field of the current model's request.
    void helpRequested(const QString& model, const QString& path);

private:
    // Sets a text now and again on every language change.
    void bindText(std::function<void()> apply);
    void loadSchema(const QString& name);
    void setBusy(bool busy, const QString& text = {});
    void showValidation(const QString& text);
    // Scrolls to the editor of a path (else the first flagged one) and focuses it.
    void revealField(const QString& path);
    void followTask(const QString& taskId);
    void setTaskStatus(const QString& status);
    void finishTask(const QString& status, const QJsonValue& result, const QJsonObject& error);
    void fetchTask();
    void poll();
    void syncJsonFromForm();
    bool applyJsonToForm();
    Result<QJsonObject> currentRequest();
    void updateButtons();

    StudioContext& m_context;
    ModelListModel& m_models;
    TaskListModel& m_tasks;
    std::shared_ptr<const ModelSchema> m_schema;
    QString m_pendingModel;
    QJsonObject m_pendingRequest;
    bool m_hasPendingRequest = false;

    QComboBox* m_modelCombo = nullptr;
    QLabel* m_modelInfo = nullptr;
    QProgressBar* m_busy = nullptr;
    QTabWidget* m_requestTabs = nullptr;
    QStackedWidget* m_formStack = nullptr;
    QLabel* m_formMessage = nullptr;
    RequestForm* m_form = nullptr;
    QScrollArea* m_formScroll = nullptr;
    QPlainTextEdit* m_jsonEdit = nullptr;
    QLabel* m_validation = nullptr;
    QPushButton* m_submit = nullptr;
    QPushButton* m_clear = nullptr;
    QLabel* m_taskStatus = nullptr;
    QProgressBar* m_taskProgress = nullptr;
    QPushButton* m_cancel = nullptr;
    LogView* m_log = nullptr;
    ResultView* m_result = nullptr;

    QString m_taskId;
    QString m_taskStatusName;
    bool m_taskFinal = true;
    bool m_submitting = false;
    qint64 m_lastSeq = 0;
    QTimer m_pollTimer;
    std::vector<std::function<void()>> m_texts;
};

} // namespace mmf::studio
