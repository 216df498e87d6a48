using System.ComponentModel.DataAnnotations;

namespace Orbit.Host.Database;

internal sealed class DatabaseOptions
{
    [Required(ErrorMessage = "ConnectionStrings:Postgres is required (set ConnectionStrings__Postgres).")]
    public string ConnectionString { get; set; } = "";
}
