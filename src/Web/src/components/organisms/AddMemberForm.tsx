import { useState, type FormEvent } from 'react';
import { Button } from '../atoms/Button';
import { Select } from '../atoms/Select';
import { FormField } from '../molecules/FormField';
import { PeoplePicker } from '../molecules/PeoplePicker';
import { isProjectRole, PROJECT_ROLES, useAddMember, type ProjectRole } from '../../features/members/hooks';
import { usePeopleSearch } from '../../features/people/hooks';
import { fieldError, formLevelError, problemCode } from '../../ui/problemMessage';
import { useToast } from '../../ui/toast';

// Refusals that are about the email the user typed: shown on the email field.
const EMAIL_CODES = new Set(['members.user_not_found', 'members.already_member']);

/** "Add member": an email with people suggestions and a role. Only owners may add owners. */
export function AddMemberForm({ projectId, canAddOwners }: { projectId: string; canAddOwners: boolean }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<ProjectRole>('member');
  const people = usePeopleSearch(email);
  const add = useAddMember(projectId);
  const toast = useToast();

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    add.mutate(
      { email: email.trim(), role },
      {
        onSuccess: (member) => {
          toast.show(`${member.displayName ?? email} added as ${member.role}`, { tone: 'success' });
          setEmail('');
        },
      },
    );
  };

  const code = problemCode(add.error);
  const emailError = fieldError(add.error, 'email') ?? (code && EMAIL_CODES.has(code) ? formLevelError(add.error) : undefined);
  const formError = code && EMAIL_CODES.has(code) ? undefined : formLevelError(add.error);

  return (
    <form className="panel" onSubmit={onSubmit} noValidate aria-labelledby="add-member-heading">
      <h3 id="add-member-heading">Add a member</h3>
      {formError && (
        <p className="form-error" role="alert">
          {formError}
        </p>
      )}
      <div className="form-inline">
        <FormField label="Email" hint="Type a name to pick someone you work with, or any registered email." error={emailError}>
          {(control) => (
            <PeoplePicker
              control={control}
              name="email"
              value={email}
              onChange={(value) => {
                setEmail(value);
                if (add.error) add.reset();
              }}
              onPick={(person) => setEmail(person.email)}
              options={people.data ?? []}
              loading={people.isFetching}
              placeholder="name or email"
            />
          )}
        </FormField>
        <FormField label="Role" error={fieldError(add.error, 'role')}>
          {(control) => (
            <Select
              {...control}
              name="role"
              value={role}
              onChange={(event) => {
                if (isProjectRole(event.target.value)) setRole(event.target.value);
              }}
            >
              {PROJECT_ROLES.filter((r) => r !== 'owner' || canAddOwners).map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </Select>
          )}
        </FormField>
        <Button type="submit" busy={add.isPending}>
          Add member
        </Button>
      </div>
    </form>
  );
}
