#pragma once

#include "core/ModelSchema.h"

#include <QHash>
#include <QJsonObject>
#include <QWidget>

#include <functional>
#include <memory>
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
class RecentRequests;
class RequestForm;
class ResultView;
class TaskFollower;
class TaskListModel;

// Submit a task: pick a model, fill the form generated from its request descriptor (or paste JSON), validate,
// send; then follow the task's live log and status (TaskFollower: retries shown with the failed attempt's
// error and the next attempt's time), see its result rendered from the response descriptor, and cancel it
// while it runs. The descriptor's (mmf.ui) ranges and required fields are checked in both tabs before
// anything is sent; the JSON tab keeps its text and points at the error's line and column. Each model keeps
// its own form values while another is chosen; the task pane shows the chosen model's task only. Per model:
// an example request, the request as curl or mmfctl, the last requests sent.
class SubmitPage : public QWidget
{
    Q_OBJECT
public:
    SubmitPage(StudioContext& context, ModelListModel& models, TaskListModel& tasks,
               QWidget* parent = nullptr);
    ~SubmitPage() override;

    void selectModel(const QString& name);
    QString currentModel() const;
    // Selects the model and fills the form with a request (a resubmit from the history).
    void loadRequest(const QString& model, const QJsonObject& request);
    QString currentTaskId() const;
    bool isSchemaLoaded() const { return m_schema != nullptr; }
    TaskFollower& follower() const { return *m_follower; }
    // The request on screen (current tab) as shell commands; empty when it does not parse.
    QString curlCommand();
    QString mmfctlCommand();
    // Fills the form with the model's example request; false when its fields have none.
    bool loadExample();
    // The last requests sent to the current model, newest first.
    QList<QJsonObject> recentRequests() const;
    // Forgets everything of the signed-in user: task, form values, recent requests (an account switch).
    void reset();

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
    // Puts the JSON tab's cursor on a 0-based character offset and focuses it.
    void revealJsonOffset(int offset);
    void showTaskPane(const QString& taskId);
    void clearTaskPane();
    void setTaskStatus(const QString& status);
    void finishTask(const QString& status, const QJsonValue& result, const QJsonObject& error);
    void syncJsonFromForm();
    bool applyJsonToForm();
    // The request of the current tab, parsed (JSON tab: line and column of a syntax error).
    Result<QJsonObject> currentRequest();
    // currentRequest() checked against the descriptor and its (mmf.ui) options; flags and shows the problem.
    Result<QByteArray> checkedRequest();
    void showRequestError(const Error& error, const QString& jsonText = {});
    void updateRecentMenu();
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
    QPushButton* m_example = nullptr;
    QToolButton* m_copyAs = nullptr;
    QToolButton* m_recent = nullptr;
    QLabel* m_taskStatus = nullptr;
    QProgressBar* m_taskProgress = nullptr;
    QPushButton* m_cancel = nullptr;
    LogView* m_log = nullptr;
    ResultView* m_result = nullptr;

    TaskFollower* m_follower = nullptr;
    std::unique_ptr<RecentRequests> m_recentRequests;
    QHash<QString, QJsonObject> m_valuesByModel; // the form of each model visited, while another is chosen
    QString m_formModel;                         // the model whose editors the form holds
    QJsonObject m_lastSent;                      // the request of the submit in flight
    QString m_shownTaskId;                       // the task in the right pane (kept after it ended)
    QString m_taskStatusName;
    std::vector<std::function<void()>> m_texts;
};

} // namespace mmf::studio
