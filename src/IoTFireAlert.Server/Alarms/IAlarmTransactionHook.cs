using System.Data;

namespace IoTFireAlert.Server.Alarms;

/// <summary>
/// Sees every alarm change inside the alarm writer's transaction, so that what follows from an
/// alarm (a hazard work order, a risk code) commits or rolls back with it. Runs on the writer's
/// task: keep it to a few indexed statements.
/// </summary>
public interface IAlarmTransactionHook
{
    void OnAlarmChanged(IDbConnection connection, IDbTransaction transaction, AlarmRecord alarm, string kind, long nowMs);
}
